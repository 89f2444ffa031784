/**
 * Opens the system of record: PGlite in HANDSUP_DATA_DIR by default, or PostgreSQL at DATABASE_URL.
 * Both get the same migrations and the same drizzle query API; nothing above this file knows which.
 */
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { existsSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock.ts';
import { type MigrationTx, migrate } from './migrate.ts';
import { gcPacer } from './gc-pacer.ts';
import { startCheckpoints } from './pglite-checkpoints.ts';
import { PGLITE_CONF } from './pglite-conf.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type StorageKind = 'pglite' | 'postgres';
/** A raw parameterised query ($1, $2, …) returning rows. */
export type RawQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface Database {
  kind: StorageKind;
  db: Db;
  /** A raw parameterised query ($1, $2, …) for the few statements drizzle does not express well. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in one transaction on the driver itself (no ORM layer: the vote path's group commit and
   * the realtime reads go through here); commits when it resolves, rolls back when it throws.
   */
  transaction<T>(fn: (query: RawQuery) => Promise<T>): Promise<T>;
  /** Resolves when the database answers; rejects (within `timeoutMs`) otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** True when the embedded data directory was left by a killed process and has been recovered. */
  recovered: boolean;
  /** Embedded only: a copy of the data directory (tests use it as a migrated template). */
  dumpDataDir?: () => Promise<Blob | File>;
  /** Migrations applied by this open. */
  applied: string[];
}

export type DatabaseOptions =
  | {
      kind: 'pglite';
      dataDir: string | null /* null = in memory */;
      loadDataDir?: Blob;
      /** How often to checkpoint when WAL was written (pglite-checkpoints.ts); default 60 s. */
      checkpointEveryMs?: number;
    }
  | { kind: 'postgres'; url: string; max?: number };

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.kind === 'pglite'
    ? openPglite(opts.dataDir, opts.loadDataDir, opts.checkpointEveryMs)
    : openPostgres(opts.url, opts.max ?? 10);
}

async function openPglite(
  dataDir: string | null,
  loadDataDir?: Blob,
  checkpointEveryMs?: number,
): Promise<Database> {
  const pgDir = dataDir ? join(dataDir, 'pg') : null;
  const lock = dataDir && pgDir ? lockDataDir(dataDir, pgDir) : null;
  let pg: PGlite;
  try {
    if (pgDir && !existsSync(join(pgDir, 'PG_VERSION'))) await initClusterInChild(pgDir);
    pg = pgDir
      ? await PGlite.create(pgDir, { postgresqlconf: PGLITE_CONF })
      : await PGlite.create({ postgresqlconf: PGLITE_CONF, ...(loadDataDir ? { loadDataDir } : {}) });
  } catch (e) {
    lock?.release();
    throw e;
  }
  const applied = await migrate(<T>(fn: (tx: MigrationTx) => Promise<T>) =>
    pg.transaction((tx) =>
      fn({
        exec: async (sql) => {
          await tx.exec(sql);
        },
        query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows,
      }),
    ),
  );
  const db = drizzlePglite(pg, { schema }) as unknown as Db;
  const releasePacer = gcPacer.hold();
  const stopCheckpoints = startCheckpoints(
    async <T>(sql: string) => (await pg.query<T>(sql)).rows,
    checkpointEveryMs,
  );
  return {
    kind: 'pglite',
    db,
    recovered: lock?.recovered ?? false,
    dumpDataDir: () => pg.dumpDataDir('none'),
    applied,
    query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
    transaction: <T>(fn: (query: RawQuery) => Promise<T>) =>
      pg.transaction((tx) =>
        fn(async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows),
      ),
    ping: async (timeoutMs = 2000) => {
      await withTimeout(pg.query('SELECT 1'), timeoutMs, 'the embedded database');
    },
    close: async () => {
      releasePacer();
      try {
        await stopCheckpoints();
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function initClusterInChild(pgDir: string): Promise<void> {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, 'pglite-init.ts'), pgDir], {
    stdout: 'ignore',
    stderr: 'pipe',
  });
  const code = await child.exited;
  if (code !== 0) {
    throw new Error(
      `could not create the embedded database in ${pgDir}: ${(await new Response(child.stderr).text()).slice(0, 500)}`,
    );
  }
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    prepare: true,
    // postgres.js waits (0.5–1) × min(3^failures / 100, 20) s before reconnecting, failures counted
    // pool-wide: a few seconds of outage (every refused query counts) leave the pool waiting up to
    // 20 s after PostgreSQL is back. Capped at 1 s so service resumes within a second (decision 0004).
    backoff: (failures: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 1),
  });
  let applied: string[];
  try {
    applied = await migrate(
      <T>(fn: (tx: MigrationTx) => Promise<T>) =>
        sql.begin((tx) =>
          fn({
            exec: async (text) => {
              await tx.unsafe(text);
            },
            query: async <R>(text: string, params?: unknown[]) =>
              (await tx.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[])) as unknown as R[],
          }),
        ) as Promise<T>,
    );
  } catch (e) {
    await sql.end({ timeout: 1 });
    throw e;
  }
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    recovered: false,
    applied,
    query: async <T>(text: string, params?: unknown[]) =>
      (await sql.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    transaction: <T>(fn: (query: RawQuery) => Promise<T>) =>
      sql.begin((tx) =>
        fn(
          async <R>(text: string, params?: unknown[]) =>
            (await tx.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[])) as unknown as R[],
        ),
      ) as Promise<T>,
    ping: async (timeoutMs = 2000) => {
      await withTimeout(sql`SELECT 1`, timeoutMs, 'PostgreSQL');
    },
    close: async () => {
      await sql.end({ timeout: 5 });
    },
  };
}
