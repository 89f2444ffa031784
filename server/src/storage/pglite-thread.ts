/**
 * The embedded database's own thread (a Worker): PGlite runs here, so its WebAssembly work — every
 * group commit, every query plan — uses the machine's second core instead of the event loop that
 * writes results frames to thousands of sockets. pglite-remote.ts is the other end; the messages are
 * in pglite-messages.ts. One PGlite per worker; interactive transactions stay open here between the
 * main thread's statements, holding PGlite's lock exactly as an in-thread transaction would.
 */
import { PGlite, types } from '@electric-sql/pglite';
import type { Reply, Request, WireError } from './pglite-messages.ts';

declare const self: Worker;

/** drizzle's pglite driver keeps dates, intervals and their arrays as PostgreSQL's text. */
const identity = (v: string) => v;
const DRIZZLE_PARSERS = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((t) => [
    t,
    identity,
  ]),
);

type Queryable = Pick<PGlite, 'query' | 'exec'>;
let pg: PGlite | null = null;
const txs = new Map<number, Promise<Queryable>>();
const ending = new Map<number, (end: { id: number; commit: boolean }) => void>();
const ROLLBACK = Symbol('rollback');

const toWire = (e: unknown): WireError => {
  if (!(e instanceof Error)) return { message: String(e) };
  const out: WireError = { message: e.message, name: e.name };
  for (const [k, v] of Object.entries(e)) {
    if (k !== 'length' && (typeof v === 'string' || typeof v === 'number')) out[k] = v;
  }
  return out;
};

const reply = (m: Reply) => self.postMessage(m);
const fail = (id: number, e: unknown) => reply({ id, ok: false, error: toWire(e) });

async function handle(m: Request): Promise<void> {
  switch (m.t) {
    case 'open': {
      pg = m.dataDir
        ? await PGlite.create(m.dataDir, { postgresqlconf: m.conf })
        : await PGlite.create(m.loadDataDir ? { loadDataDir: m.loadDataDir } : {});
      return reply({ id: m.id, ok: true, value: null });
    }
    case 'query': {
      const on = m.tx ? await txs.get(m.tx) : pg;
      if (!on) throw new Error(m.tx ? 'the transaction has ended' : 'the database is not open');
      const r = await on.query(m.sql, m.params, {
        rowMode: m.rowMode,
        ...(m.drizzle ? { parsers: DRIZZLE_PARSERS } : {}),
      });
      return reply({
        id: m.id,
        ok: true,
        value: { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows },
      });
    }
    case 'exec': {
      const on = m.tx ? await txs.get(m.tx) : pg;
      if (!on) throw new Error(m.tx ? 'the transaction has ended' : 'the database is not open');
      const r = await on.exec(m.sql);
      return reply({
        id: m.id,
        ok: true,
        value: r.map((x) => ({ rows: x.rows, fields: x.fields, affectedRows: x.affectedRows })),
      });
    }
    case 'begin': {
      if (!pg) throw new Error('the database is not open');
      // The main thread does not wait for this reply: its statements (and its `end`) may arrive before
      // PGlite has its lock and has run BEGIN, so they wait here for `ready`.
      let ready!: (tx: Queryable) => void;
      let refused!: (e: unknown) => void;
      const opened = new Promise<Queryable>((resolve, reject) => {
        ready = resolve;
        refused = reject;
      });
      opened.catch(() => {});
      txs.set(m.tx, opened);
      let endId = 0;
      // Resolves once the statements are done: commit (the callback returns) or roll back (it throws).
      pg.transaction(async (tx) => {
        const end = new Promise<{ id: number; commit: boolean }>((r) => ending.set(m.tx, r));
        ready(tx);
        reply({ id: m.id, ok: true, value: null });
        const e = await end;
        endId = e.id;
        if (!e.commit) throw ROLLBACK;
      })
        .then(
          () => reply({ id: endId, ok: true, value: null }),
          (e) => {
            if (!endId) {
              refused(e);
              fail(m.id, e);
            } else if (e === ROLLBACK) reply({ id: endId, ok: true, value: null });
            else fail(endId, e);
          },
        )
        .finally(() => {
          txs.delete(m.tx);
          ending.delete(m.tx);
        });
      return;
    }
    case 'end': {
      await txs.get(m.tx);
      const end = ending.get(m.tx);
      if (!end) throw new Error('the transaction has ended');
      end({ id: m.id, commit: m.commit });
      return;
    }
    case 'dump': {
      if (!pg) throw new Error('the database is not open');
      return reply({ id: m.id, ok: true, value: await pg.dumpDataDir('none') });
    }
    case 'close': {
      await pg?.close();
      pg = null;
      return reply({ id: m.id, ok: true, value: null });
    }
  }
}

self.onmessage = (event: MessageEvent<Request>) => {
  const m = event.data;
  handle(m).catch((e) => fail(m.id, e));
};
