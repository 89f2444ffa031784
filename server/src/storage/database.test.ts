import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorage } from '../testing/storage-matrix.ts';
import { openDatabase } from './database.ts';
import { listMigrations } from './migrate.ts';

async function seedSession(q: (sql: string, p?: unknown[]) => Promise<Record<string, unknown>[]>) {
  const [s] = await q(`INSERT INTO sessions (title, join_code) VALUES ('Physics', $1) RETURNING id`, [
    `C${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
  ]);
  return s.id as string;
}

describeStorage('storage', ({ open, kind }) => {
  test('migrations run at open and are idempotent', async () => {
    const db = await open({ fresh: true });
    expect(db.applied).toEqual(listMigrations().map((m) => m.id));
    const rows = await db.query<{ id: string }>('SELECT id FROM handsup_migrations ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(db.applied);
  });

  test('the database refuses a second open poll in one session', async () => {
    const db = await open();
    const q = db.query.bind(db);
    const sessionId = await seedSession(q);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const [p] = await q(
        `INSERT INTO polls (session_id, position, type, prompt) VALUES ($1, $2, 'true_false', 'Q') RETURNING id`,
        [sessionId, i],
      );
      ids.push(p.id as string);
    }
    await q(`UPDATE polls SET status = 'open' WHERE id = $1`, [ids[0]]);
    await expect(q(`UPDATE polls SET status = 'open' WHERE id = $1`, [ids[1]])).rejects.toThrow(
      /polls_one_open_per_session|unique/i,
    );
    // Polls of another session are unaffected.
    const other = await seedSession(q);
    await q(
      `INSERT INTO polls (session_id, position, type, prompt, status) VALUES ($1, 0, 'rating', 'Q', 'open')`,
      [other],
    );
  });

  test('one answer per participant per poll round', async () => {
    const db = await open();
    const q = db.query.bind(db);
    const sessionId = await seedSession(q);
    const [p] = await q(
      `INSERT INTO polls (session_id, position, type, prompt) VALUES ($1, 0, 'true_false', 'Q') RETURNING id`,
      [sessionId],
    );
    const [part] = await q(
      `INSERT INTO participants (session_id, display_name, token_hash) VALUES ($1, 'Ada', 'h1') RETURNING id`,
      [sessionId],
    );
    const insert = (round: number, msg: string) =>
      q(
        `INSERT INTO responses (poll_id, round, participant_id, value, client_msg_id) VALUES ($1, $2, $3, '{"choice":true}', $4)`,
        [p.id, round, part.id, msg],
      );
    await insert(1, 'm1');
    await expect(insert(1, 'm2')).rejects.toThrow(/unique|duplicate/i);
    await insert(2, 'm3');
  });

  test('the audit log cannot be changed or deleted', async () => {
    const db = await open();
    await db.query(`INSERT INTO audit_log (action) VALUES ('test.written')`);
    await expect(db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  if (kind === 'postgres') {
    test('20 concurrent attempts to open polls in one session leave exactly one open', async () => {
      const db = await open();
      const q = db.query.bind(db);
      const sessionId = await seedSession(q);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const [p] = await q(
          `INSERT INTO polls (session_id, position, type, prompt) VALUES ($1, $2, 'rating', 'Q') RETURNING id`,
          [sessionId, i],
        );
        ids.push(p.id as string);
      }
      const results = await Promise.allSettled(
        ids.map((id) => q(`UPDATE polls SET status = 'open' WHERE id = $1`, [id])),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const stillOpen = await q(
        `SELECT count(*)::int AS n FROM polls WHERE session_id = $1 AND status = 'open'`,
        [sessionId],
      );
      expect(stillOpen[0].n).toBe(1);
    });
  }
});

test('the embedded database runs with the small-footprint settings and unfilled WAL segments, on disk and in memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'handsup-conf-'));
  const settings = `SELECT name, setting, unit FROM pg_settings
    WHERE name IN ('shared_buffers', 'max_connections', 'wal_init_zero') ORDER BY name`;
  try {
    for (const dataDir of [dir, null]) {
      const db = await openDatabase({ kind: 'pglite', dataDir });
      try {
        // shared_buffers is counted in 8 kB pages: 512 pages = 4 MB.
        expect(await db.query(settings)).toEqual([
          { name: 'max_connections', setting: '4', unit: null },
          { name: 'shared_buffers', setting: '512', unit: '8kB' },
          // New WAL segments are not zero-filled on the event loop (pglite-conf.ts).
          { name: 'wal_init_zero', setting: 'off', unit: null },
        ]);
      } finally {
        await db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
