/**
 * Raw SQL inside drizzle transactions, the same on PGlite and PostgreSQL. Positional `$n` text is
 * turned into drizzle chunks so one statement string serves both drivers. Conventions that keep the two
 * drivers alike: JSON goes in as a string with a `::jsonb` cast, timestamps come out as epoch
 * milliseconds (`… AS x_ms` via `ms(col)`), 64-bit integers are cast to float8.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database, Db } from '../../storage/database.ts';

export type Query = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

const toSql = (text: string, params: unknown[]): SQL => {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      if (parts[i]) chunks.push(sql.raw(parts[i]));
    } else chunks.push(sql`${params[Number(parts[i]) - 1]}`);
  }
  return sql.join(chunks);
};

const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];

const queryOn =
  (db: Pick<Db, 'execute'>): Query =>
  async <T>(text: string, params: unknown[] = []) =>
    rowsOf<T>(await db.execute(toSql(text, params)));

/** A query function outside any transaction. */
export const queryOf = (database: Database): Query => queryOn(database.db);

/** Runs `fn` in one transaction; rejects (and rolls back) when it throws. */
export const inTransaction = <T>(database: Database, fn: (q: Query) => Promise<T>): Promise<T> =>
  database.db.transaction(async (tx) => fn(queryOn(tx as unknown as Db)));

/** `extract(epoch …)` in milliseconds as float8, for a timestamptz column. */
export const ms = (column: string, alias: string): string =>
  `(extract(epoch from ${column}) * 1000)::float8 AS ${alias}`;

/** PostgreSQL error code of a failed statement (drizzle may wrap the driver's error). */
export const pgCode = (e: unknown): string | undefined => {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 4; i++) {
    if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code)) return cur.code;
    cur = cur.cause as typeof cur;
  }
  return undefined;
};
export const UNIQUE_VIOLATION = '23505';
