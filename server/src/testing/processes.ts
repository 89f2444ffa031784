/**
 * Real Handsup processes for integration tests: `bun server/src/main.ts` with a chosen environment
 * on a free port, waiting for /readyz; plus private Redis instances for fault drills (the machine's
 * shared Redis is never stopped or reconfigured by a test).
 */
import type { Subprocess } from 'bun';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNTIME_ENV } from '../runtime-env.ts';

export const MAIN = join(import.meta.dir, '..', 'main.ts');

export async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

export const tempDir = (prefix = 'handsup-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export interface ServerProcess {
  url: string;
  port: number;
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  output(): Promise<string>;
  waitReady(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

export function spawnServer(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  return (async () => {
    const p = port ?? (await freePort());
    const proc = Bun.spawn(['bun', MAIN], {
      env: {
        ...RUNTIME_ENV,
        ...process.env,
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        ...env,
        PORT: String(p),
      },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    let text = '';
    const collect = async (s: ReadableStream<Uint8Array>) => {
      const d = new TextDecoder();
      for await (const c of s) text += d.decode(c);
    };
    const done = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
    const url = `http://127.0.0.1:${p}`;
    return {
      url,
      port: p,
      proc,
      output: async () => {
        if (proc.exitCode !== null || proc.signalCode) await done;
        return text;
      },
      async waitReady(timeoutMs = 90_000) {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${text}`);
          try {
            if ((await fetch(`${url}/readyz`)).ok) return;
          } catch {
            // starting
          }
          await Bun.sleep(100);
        }
        throw new Error(`server not ready within ${timeoutMs} ms: ${text}`);
      },
      async kill(signal: NodeJS.Signals = 'SIGTERM') {
        if (proc.exitCode === null) proc.kill(signal);
        const code = await proc.exited;
        await done;
        return code;
      },
    };
  })();
}

/** A private Redis on a free port, for drills that stop or restart Redis. */
export async function startPrivateRedis(
  port?: number,
): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const p = port ?? (await freePort());
  const proc = Bun.spawn(
    ['redis-server', '--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdout: 'ignore',
      stderr: 'ignore',
    },
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const s = await Bun.connect({ hostname: '127.0.0.1', port: p, socket: { data() {} } });
      s.end();
      break;
    } catch {
      await Bun.sleep(50);
    }
  }
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    stop: async () => {
      proc.kill('SIGKILL');
      await proc.exited;
    },
  };
}
