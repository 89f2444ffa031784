/** Starts one Handsup per deployment shape for the whole run and stops them afterwards. */
import type { FullConfig } from '@playwright/test';
import { assertNoTokensInLogs } from './log-scan.ts';
import { createDatabase, REDIS_URL, startHandsup, tempDataDir } from './servers.ts';

export default async function globalSetup(_config: FullConfig) {
  // Info level: every request is logged, so the final token scan sees what an operator would keep.
  const embedded = await startHandsup({ LOG_LEVEL: 'info', HANDSUP_DATA_DIR: tempDataDir() });
  const cluster = await startHandsup({
    LOG_LEVEL: 'info',
    DATABASE_URL: createDatabase(),
    REDIS_URL,
    REDIS_PREFIX: `handsup-e2e-${process.pid}:`,
  });
  process.env.E2E_EMBEDDED_URL = embedded.url;
  process.env.E2E_CLUSTER_URL = cluster.url;
  return async () => {
    await Promise.all([embedded.stop(), cluster.stop()]);
    assertNoTokensInLogs({ embedded, cluster });
  };
}
