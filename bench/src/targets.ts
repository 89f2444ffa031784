/**
 * Starts what the benchmark measures, as real processes on loopback: Handsup embedded (PGlite in a
 * temporary folder), Handsup on PostgreSQL + Redis, or N such nodes behind nginx (cluster); and the raw
 * baseline server. Each target reports the pids whose memory and CPU are measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Mode } from './args.ts';

const ROOT = join(import.meta.dir, '..', '..');
// The server is measured as it is deployed: with its runtime environment (decisions 0008, 0009).
const { RUNTIME_ENV } = (await import(join(ROOT, 'server', 'src', 'runtime-env.ts'))) as {
  RUNTIME_ENV: Record<string, string>;
};
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Load-test settings: the benchmark's thousands of students all come from 127.0.0.1. */
export const BENCH_SERVER_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  NODE_ENV: 'test',
  RATE_LIMITS: 'off',
};

export interface Target {
  url: string;
  pids: number[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}

async function waitFor(url: string, proc: { exitCode: number | null }, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`process exited (${proc.exitCode}) before ${url} answered`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await Bun.sleep(100);
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/**
 * For experiments: BENCH_BUN_FLAGS adds flags to `bun` (e.g. `--preload x.ts`), BENCH_SERVER_EXTRA_ENV
 * (a JSON object) adds variables to the servers' environment only, not the load generator's.
 */
async function startHandsupNode(env: Record<string, string>) {
  const port = await freePort();
  const flags = (process.env.BENCH_BUN_FLAGS ?? '').split(' ').filter(Boolean);
  const proc = Bun.spawn(['bun', ...flags, join(ROOT, 'server', 'src', 'main.ts')], {
    env: {
      ...RUNTIME_ENV,
      ...process.env,
      ...BENCH_SERVER_ENV,
      ...env,
      ...(JSON.parse(process.env.BENCH_SERVER_EXTRA_ENV ?? '{}') as Record<string, string>),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdout: 'ignore',
    stderr: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/readyz`, proc);
  return { url, proc };
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `handsup_bench_${Date.now().toString(36)}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = postgres(PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

export async function startHandsup(mode: Mode, nodes: number): Promise<Target> {
  if (mode === 'embedded') {
    const dataDir = mkdtempSync(join(tmpdir(), 'handsup-bench-'));
    const n = await startHandsupNode({ HANDSUP_DATA_DIR: dataDir });
    return {
      url: n.url,
      pids: [n.proc.pid],
      stop: async () => {
        n.proc.kill('SIGTERM');
        await n.proc.exited;
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const db = await freshDatabase();
  const prefix = `handsup-bench-${process.pid}:`;
  if (mode === 'postgres') {
    const n = await startHandsupNode({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix });
    return {
      url: n.url,
      pids: [n.proc.pid],
      stop: async () => {
        n.proc.kill('SIGTERM');
        await n.proc.exited;
        await db.drop();
      },
    };
  }
  const { startCluster } = (await import(join(ROOT, 'server', 'src', 'testing', 'cluster.ts'))) as {
    startCluster(o: {
      nodes: number;
      databaseUrl: string;
      redisUrl: string;
      redisPrefix: string;
      env?: Record<string, string>;
    }): Promise<{
      url: string;
      nodes: { pid?: number; proc?: { pid: number } }[];
      stop(): Promise<void>;
    }>;
  };
  const c = await startCluster({
    nodes,
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    env: BENCH_SERVER_ENV,
  });
  return {
    url: c.url,
    pids: c.nodes.map((x) => x.pid).filter((p): p is number => p !== null),
    stop: async () => {
      await c.stop();
      await db.drop();
    },
  };
}

export async function startBaseline(): Promise<Target> {
  const port = await freePort();
  const proc = Bun.spawn(['bun', join(import.meta.dir, 'baseline-server.ts'), String(port)], {
    stdout: 'ignore',
    stderr: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, proc);
  return {
    url,
    pids: [proc.pid],
    stop: async () => {
      proc.kill('SIGTERM');
      await proc.exited;
    },
  };
}
