/** Starts one Handsup per deployment shape for the whole run and stops them afterwards. */
import type { FullConfig } from '@playwright/test';
import { createDatabase, REDIS_URL, startHandsup, tempDataDir } from './servers.ts';

export default async function globalSetup(_config: FullConfig) {
  const embedded = await startHandsup({ HANDSUP_DATA_DIR: tempDataDir() });
  const cluster = await startHandsup({
    DATABASE_URL: createDatabase(),
    REDIS_URL,
    REDIS_PREFIX: `handsup-e2e-${process.pid}:`,
  });
  process.env.E2E_EMBEDDED_URL = embedded.url;
  process.env.E2E_CLUSTER_URL = cluster.url;
  return async () => {
    await Promise.all([embedded.stop(), cluster.stop()]);
  };
}
