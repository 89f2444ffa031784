/**
 * Checkpoints for the embedded database. PGlite runs PostgreSQL as a single-user backend, with no
 * checkpointer process: nothing acts on `checkpoint_timeout` or `max_wal_size` (measured: 60 MB of WAL
 * written with `max_wal_size=32MB`, and the last checkpoint still the one from start-up). Without
 * one, every byte of WAL stays in `pg_wal` until a clean shutdown — a node up for weeks fills its
 * disk — and a restart after a crash replays all of it (115 MB of WAL: 2.3 s to open, against 0.65 s
 * after a checkpoint, on the 2-vCPU AMD EPYC VM of 2026-11-27). So the node asks for a checkpoint
 * itself, when WAL was written since the last one. A checkpoint writes at most the 4 MB of shared
 * buffers (pglite-conf.ts): ~10 ms on that VM.
 */

/** How often to look: at most this much WAL is replayed after a crash. */
export const CHECKPOINT_EVERY_MS = 60_000;

type Query = <T>(sql: string) => Promise<T[]>;

/** Starts the checkpoints; the returned function stops them (and waits for one in progress). */
export function startCheckpoints(query: Query, everyMs = CHECKPOINT_EVERY_MS): () => Promise<void> {
  let checkpointedAt: string | null = null;
  let running: Promise<void> | null = null;
  const position = async () =>
    (await query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))[0].lsn;
  const tick = async () => {
    if ((await position()) === checkpointedAt) return; // nothing written since the last one
    await query('CHECKPOINT');
    checkpointedAt = await position(); // after the checkpoint's own record
  };
  const timer = setInterval(() => {
    if (running) return;
    // A failed checkpoint is retried at the next tick; the WAL it would have freed stays meanwhile.
    running = tick()
      .catch(() => {})
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref?.();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
