/**
 * Applies ./migrations/*.sql in name order, each once, recorded in `handsup_migrations`. The whole run
 * holds a transaction-scoped advisory lock, so several nodes starting together on one empty PostgreSQL
 * database apply each migration exactly once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Arbitrary constant: the advisory-lock key that serialises Handsup migrations. */
export const MIGRATION_LOCK_KEY = 72_707_001;
const dir = join(import.meta.dir, 'migrations');

export interface MigrationTx {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export function listMigrations(): { id: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Runs pending migrations inside `transaction`; returns the ids it applied. */
export async function migrate(
  transaction: <T>(fn: (tx: MigrationTx) => Promise<T>) => Promise<T>,
): Promise<string[]> {
  return transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS handsup_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM handsup_migrations')).map((r) => r.id),
    );
    const applied: string[] = [];
    for (const m of listMigrations()) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO handsup_migrations (id) VALUES ($1)', [m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}
