/**
 * The environment the server process must be started with: settings read by the runtime before any
 * JavaScript runs (so the server cannot set them itself). Every supported way of starting Handsup
 * gives them — `npm start`/`npm test` (scripts/runtime-env.mjs), the Docker image (its ENV), the test
 * and benchmark launchers (below) — and a value already in the environment wins. Decisions 0008
 * (allocator) and 0009 (JIT tiers).
 */
import values from './runtime-env.json';

export const RUNTIME_ENV: Readonly<Record<string, string>> = values;

/** The runtime settings this process was started without (named in the start-up log). */
export const missingRuntimeEnv = (env: Record<string, string | undefined> = process.env): string[] =>
  Object.keys(RUNTIME_ENV).filter((k) => env[k] === undefined);
