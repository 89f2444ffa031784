/**
 * Raw SQL on the database driver itself (PGlite or postgres.js, no ORM layer on the hot path), the same
 * statement text on both. Conventions that keep the two
 * drivers alike: JSON goes in as a string with a `::jsonb` cast, timestamps come out as epoch
 * milliseconds (`… AS x_ms` via `ms(col)`), 64-bit integers are cast to float8.
 */
import type { Database } from '../../storage/database.ts';

export type Query = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** A query function outside any transaction. */
export const queryOf = (database: Database): Query => database.query.bind(database) as Query;

/** Runs `fn` in one transaction; rejects (and rolls back) when it throws. */
export const inTransaction = <T>(database: Database, fn: (q: Query) => Promise<T>): Promise<T> =>
  database.transaction((q) => fn(q as Query));

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
