/**
 * Starts real Handsup processes for end-to-end tests: `bun server/src/main.ts` with the environment of
 * a deployment shape, waits for /readyz, and stops them with SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withRuntimeEnv } from '../../scripts/runtime-env.mjs';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BUN = join(ROOT, '.tools', 'node_modules', '.bin', 'bun');
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface HandsupProcess {
  url: string;
  port: number;
  env: Record<string, string>;
  proc: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startHandsup(env: Record<string, string>, port?: number): Promise<HandsupProcess> {
  const p = port ?? (await freePort());
  // The server's runtime environment, as every supported start gives it (decisions 0008, 0009).
  const fullEnv = withRuntimeEnv({
    ...process.env,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    ...env,
    PORT: String(p),
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: `http://localhost:${p}`,
  });
  const proc = spawn(BUN, [join(ROOT, 'server', 'src', 'main.ts')], {
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  proc.stdout?.on('data', (d) => logs.push(String(d)));
  proc.stderr?.on('data', (d) => logs.push(String(d)));
  const url = `http://localhost:${p}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`Handsup exited with ${proc.exitCode}:\n${logs.join('')}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port: p,
    env: fullEnv,
    proc,
    logs,
    stop: async (signal = 'SIGTERM') => {
      const code = await new Promise<number | null>((resolve) => {
        if (proc.exitCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (c) => resolve(c));
        proc.kill(signal);
      });
      // The shared PostgreSQL keeps nothing of a run: the database this Handsup was given goes too.
      const db = fullEnv.DATABASE_URL ? new URL(fullEnv.DATABASE_URL).pathname.slice(1) : '';
      if (created.delete(db))
        execFileSync('psql', [PG_URL, '-qc', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`]);
      return code;
    },
  };
}

export const tempDataDir = (): string => mkdtempSync(join(tmpdir(), 'handsup-e2e-'));

/** Databases made by createDatabase: dropped when the Handsup using them stops. */
const created = new Set<string>();

/** A fresh PostgreSQL database for one run (PostgreSQL is shared with other suites). */
export function createDatabase(): string {
  const name = `handsup_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  execFileSync('psql', [PG_URL, '-qc', `CREATE DATABASE ${name}`]);
  created.add(name);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
