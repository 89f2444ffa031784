/**
 * End-to-end tests in real Chromium (Debian's, at CHROMIUM_PATH) against real Handsup processes, on
 * both deployment shapes: `embedded` (PGlite in a temporary data directory) and `cluster`
 * (PostgreSQL + Redis). global-setup.ts starts the servers; specs read their URLs from the project.
 */
import { defineConfig, devices } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export default defineConfig({
  testDir: './specs',
  outputDir: './output/results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './support/global-setup.ts',
  use: {
    ...devices['Desktop Chrome'],
    launchOptions: { executablePath: chromium, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'embedded', use: { baseURL: process.env.E2E_EMBEDDED_URL ?? 'http://localhost:3101' } },
    { name: 'cluster', use: { baseURL: process.env.E2E_CLUSTER_URL ?? 'http://localhost:3102' } },
  ],
});
