// The server's runtime environment: allocator and JavaScript-engine settings that are read when the
// process starts, before any JavaScript runs, so the server cannot set them itself. run.mjs gives them
// to every task (tests, benchmarks and `start` run the server as the Docker image does, whose ENV
// lists the same). A value already in the environment wins. Decisions 0008 and 0009; the values live
// in server/src/runtime-env.json.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUNTIME_ENV_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'server',
  'src',
  'runtime-env.json',
);

/** `base` with the runtime environment's variables added where `base` does not set them. */
export function withRuntimeEnv(base, file = RUNTIME_ENV_FILE) {
  return { ...JSON.parse(readFileSync(file, 'utf8')), ...base };
}
