import { expect, test } from 'bun:test';
import type { Database } from '../../storage/database.ts';
import { describeStorage } from '../../testing/storage-matrix.ts';
import { ParticipantInserts } from './participant-inserts.ts';

const session = async (db: Database) => {
  const [s] = await db.query<{ id: string }>(
    `INSERT INTO sessions (title, join_code, status) VALUES ('S', $1, 'live') RETURNING id`,
    [crypto.randomUUID().slice(0, 8)],
  );
  return s.id;
};

describeStorage('participant inserts (grouped joins)', (ctx) => {
  let db: Database;

  test('200 concurrent joins each get their own committed row, written in far fewer statements', async () => {
    db = await ctx.open();
    const sessionId = await session(db);
    let statements = 0;
    const counted: Pick<Database, 'query'> = {
      query: (sql, params) => {
        statements++;
        return db.query(sql, params);
      },
    };
    const inserts = new ParticipantInserts(counted);
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        inserts.insert(sessionId, `Student ${i}`, `hash-${sessionId}-${i}`),
      ),
    );
    expect(new Set(ids).size).toBe(200);
    expect(statements).toBeLessThan(10);
    const rows = await db.query<{ id: string; display_name: string; token_hash: string }>(
      'SELECT id, display_name, token_hash FROM participants WHERE session_id = $1',
      [sessionId],
    );
    expect(rows.length).toBe(200);
    const byHash = new Map(rows.map((r) => [r.token_hash, r]));
    ids.forEach((id, i) => {
      const row = byHash.get(`hash-${sessionId}-${i}`);
      expect(row?.id).toBe(id);
      expect(row?.display_name).toBe(`Student ${i}`);
    });
  });

  test('a bad row fails only its own join; its group is still written', async () => {
    const sessionId = await session(db);
    const inserts = new ParticipantInserts(db);
    const good = Array.from({ length: 5 }, (_, i) =>
      inserts.insert(sessionId, `G${i}`, `g-${sessionId}-${i}`),
    );
    // No such session: the foreign key refuses this row.
    const bad = inserts.insert(crypto.randomUUID(), 'Nobody', `bad-${sessionId}`);
    const more = inserts.insert(sessionId, 'G5', `g-${sessionId}-5`);
    const settled = await Promise.allSettled([...good, bad, more]);
    expect(settled.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const [n] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM participants WHERE session_id = $1',
      [sessionId],
    );
    expect(n.n).toBe(6);
  });
});
