/**
 * Messages between the main thread (pglite-remote.ts) and the embedded database's thread
 * (pglite-thread.ts). Every request carries an id; the thread answers each with one reply of that id,
 * except `begin`, whose transaction is answered once open and again (under the `end` request's id)
 * once committed or rolled back.
 */
export type Request =
  | { t: 'open'; id: number; dataDir: string | null; loadDataDir?: Blob; conf: string[] }
  | {
      t: 'query';
      id: number;
      tx?: number;
      sql: string;
      params?: unknown[];
      rowMode?: 'array' | 'object';
      /** drizzle's parsers: timestamps, intervals and dates (and their arrays) stay text. */
      drizzle?: boolean;
    }
  | { t: 'exec'; id: number; tx?: number; sql: string }
  | { t: 'begin'; id: number; tx: number }
  | { t: 'end'; id: number; tx: number; commit: boolean }
  | { t: 'dump'; id: number }
  | { t: 'close'; id: number };

/** An Error's message, name and PostgreSQL fields (code, detail, constraint, …). */
export type WireError = { message: string; name?: string; [field: string]: string | number | undefined };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

export type WireResults = {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
};
