import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../testing/eventually.ts';
import { openDatabase } from './database.ts';

const lastCheckpoint = async (q: <T>(sql: string) => Promise<T[]>) =>
  (await q<{ lsn: string }>('SELECT checkpoint_lsn::text AS lsn FROM pg_control_checkpoint()'))[0].lsn;

test('the embedded database checkpoints by itself once WAL was written, and not while idle', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'handsup-checkpoints-'));
  const db = await openDatabase({ kind: 'pglite', dataDir: dir, checkpointEveryMs: 100 });
  const q = <T>(sql: string) => db.query<T>(sql);
  try {
    // The single-user backend never checkpoints on its own: this only happens because the node asks.
    await db.query(`INSERT INTO sessions (title, join_code) VALUES ('Checkpoints', 'CKPT23')`);
    const [{ written }] = await q<{ written: string }>('SELECT pg_current_wal_insert_lsn()::text AS written');
    await eventually(
      async () =>
        (
          await db.query<{ covered: boolean }>(
            'SELECT redo_lsn >= $1::pg_lsn AS covered FROM pg_control_checkpoint()',
            [written],
          )
        )[0].covered,
      10_000,
      'a checkpoint after the write',
    );

    // Idle: the checkpoint record itself is not "WAL written since", so no checkpoint follows it.
    const settled = await lastCheckpoint(q);
    await Bun.sleep(600);
    expect(await lastCheckpoint(q)).toBe(settled);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
