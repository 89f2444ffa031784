/**
 * `bun server/src/main.ts`: parse the configuration (exit 78 naming the bad variable), start the
 * server, log (not die of) a failed promise nobody handled, and shut down gracefully on SIGTERM /
 * SIGINT (exit 0).
 */
import { ConfigError, parseConfig } from './config/config.ts';
import { guardUnhandledRejections } from './observability/process-guards.ts';
import { startServer } from './server.ts';

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(
      `Handsup cannot start.\n${e.message}\nSee .env.example and README (Configuration) for every variable.`,
    );
    process.exit(78);
  }
  throw e;
}

try {
  const running = await startServer(config);
  guardUnhandledRejections(running.deps.log);
  let signalled = false;
  const shutdown = async (signal: string) => {
    if (signalled) return;
    signalled = true;
    running.deps.log.info('signal received', { signal });
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (e) {
  console.error(`Handsup could not start: ${(e as Error).message}`);
  process.exit(1);
}
