/**
 * The main thread's handle on the embedded database, which runs in its own thread (pglite-thread.ts).
 * It offers the part of PGlite's API that Handsup and drizzle's pglite driver use — `query`, `exec`,
 * `transaction`, `dumpDataDir`, `close` — so nothing above storage/ knows where PGlite runs.
 *
 * Why a thread: PGlite is PostgreSQL compiled to WebAssembly, and in the server's own thread every
 * group commit and query would run on the event loop that also writes each results frame to every
 * socket. In its own thread it uses the second core; the main thread only posts messages.
 *
 * If the thread dies (a WebAssembly trap), every waiting call and every later one fails with
 * `db_unavailable`-style errors, so readiness reports the database down instead of hanging.
 */
import type { Reply, Request, WireError, WireResults } from './pglite-messages.ts';

type QueryOptions = { rowMode?: 'array' | 'object'; parsers?: Record<number, unknown> };
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

export interface RemoteTransaction {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    opts?: QueryOptions,
  ): Promise<WireResults & { rows: T[] }>;
  exec(sql: string): Promise<WireResults[]>;
}

const fromWire = (w: WireError): Error => {
  const e = new Error(w.message);
  for (const [k, v] of Object.entries(w))
    if (k !== 'message' && k !== 'stack') (e as unknown as Record<string, unknown>)[k] = v;
  return e;
};

export class RemotePglite implements RemoteTransaction {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextTx = 1;
  private dead: Error | null = null;

  private constructor() {
    this.worker = new Worker(new URL('./pglite-thread.ts', import.meta.url).href);
    this.worker.onmessage = (event: MessageEvent<Reply>) => {
      const m = event.data;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(fromWire(m.error));
    };
    this.worker.onerror = (event) =>
      this.die(new Error(`the embedded database's thread failed: ${event.message}`));
    this.worker.addEventListener('close', () =>
      this.die(new Error("the embedded database's thread has stopped")),
    );
  }

  /** Starts the thread and opens PGlite in it: on `dataDir`, or in memory (from `loadDataDir`). */
  static async open(opts: {
    dataDir: string | null;
    loadDataDir?: Blob;
    conf: string[];
  }): Promise<RemotePglite> {
    const remote = new RemotePglite();
    try {
      await remote.call({ t: 'open', ...opts });
    } catch (e) {
      remote.worker.terminate();
      throw e;
    }
    return remote;
  }

  private die(reason: Error): void {
    this.dead ??= reason;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
  }

  private call(body: Body<Request>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...body, id } as Request);
    });
  }

  private queryOn<T>(tx: number | undefined, sql: string, params?: unknown[], opts?: QueryOptions) {
    return this.call({
      t: 'query',
      tx,
      sql,
      params,
      rowMode: opts?.rowMode,
      // The only parsers passed are drizzle's: dates and intervals kept as text (pglite-thread.ts).
      drizzle: opts?.parsers !== undefined,
    }) as Promise<WireResults & { rows: T[] }>;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions) {
    return this.queryOn<T>(undefined, sql, params, opts);
  }

  exec(sql: string): Promise<WireResults[]> {
    return this.call({ t: 'exec', sql }) as Promise<WireResults[]>;
  }

  /**
   * Runs `fn` in one transaction held open in the database thread: commits when `fn` resolves (and
   * resolves only once COMMIT returned), rolls back when it throws.
   */
  async transaction<T>(fn: (tx: RemoteTransaction) => Promise<T>): Promise<T> {
    const txId = this.nextTx++;
    // Not awaited: the statements follow at once and wait in the thread for BEGIN (pglite-thread.ts).
    // A failed BEGIN fails them, and the `end`, with its error.
    this.call({ t: 'begin', tx: txId }).catch(() => {});
    let open = true;
    const closed = () => Promise.reject(new Error('Transaction is closed'));
    const tx: RemoteTransaction = {
      query: <R>(sql: string, params?: unknown[], opts?: QueryOptions) =>
        open ? this.queryOn<R>(txId, sql, params, opts) : closed(),
      exec: (sql: string) =>
        open ? (this.call({ t: 'exec', tx: txId, sql }) as Promise<WireResults[]>) : closed(),
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (e) {
      open = false;
      await this.call({ t: 'end', tx: txId, commit: false }).catch(() => {});
      throw e;
    }
    open = false;
    await this.call({ t: 'end', tx: txId, commit: true });
    return result;
  }

  dumpDataDir(): Promise<Blob> {
    return this.call({ t: 'dump' }) as Promise<Blob>;
  }

  async close(): Promise<void> {
    try {
      if (!this.dead) await this.call({ t: 'close' });
    } finally {
      this.die(new Error('the embedded database is closed'));
      this.worker.terminate();
    }
  }
}
