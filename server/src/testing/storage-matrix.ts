/**
 * Runs one storage suite on every engine: PGlite always, PostgreSQL when reachable (always in CI).
 * Each suite gets its own fresh database, created and dropped here, so suites never see each other.
 */
import { afterAll, describe } from 'bun:test';
import postgres from 'postgres';
import { type Database, openDatabase, type StorageKind } from '../storage/database.ts';
import { describeNeeding, PG_TEST_URL, services, uniqueName } from './services.ts';

/** Creates an empty PostgreSQL database for one suite; returns its URL and a drop function. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName('handsup_t');
  const admin = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

// Creating a PGlite instance runs initdb (~3 s); loading a migrated copy takes ~0.5 s. One template
// per test process keeps the suites fast without sharing any state between them.
let template: Promise<Blob> | null = null;
async function pgliteFromTemplate(): Promise<Database> {
  template ??= (async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: null });
    const blob = await db.dumpDataDir!();
    await db.close();
    return blob;
  })();
  return openDatabase({ kind: 'pglite', dataDir: null, loadDataDir: await template });
}

export interface StorageContext {
  kind: StorageKind;
  /**
   * Opens a fresh, migrated database for this suite (closed and dropped after the suite).
   * `fresh` skips the PGlite template, so the open itself runs every migration.
   */
  open(opts?: { fresh?: boolean }): Promise<Database>;
}

export function describeStorage(title: string, body: (ctx: StorageContext) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const name = `${title} [${kind}]`;
    if (kind === 'postgres' && !services.postgres.ok) {
      describeNeeding(services.postgres.reason, 'PostgreSQL is reachable', name, () =>
        body({ kind, open: () => never() }),
      );
      continue;
    }
    describe(name, () => {
      const cleanups: (() => Promise<void>)[] = [];
      afterAll(async () => {
        for (const c of cleanups.reverse()) await c().catch(() => {});
      });
      body({
        kind,
        open: async (opts) => {
          if (kind === 'pglite') {
            const db = opts?.fresh
              ? await openDatabase({ kind: 'pglite', dataDir: null })
              : await pgliteFromTemplate();
            cleanups.push(() => db.close());
            return db;
          }
          const { url, drop } = await createPostgresDatabase();
          cleanups.push(drop);
          const db = await openDatabase({ kind: 'postgres', url });
          cleanups.push(() => db.close());
          return db;
        },
      });
    });
  }
}

const never = (): Promise<never> => Promise.reject(new Error('skipped'));
