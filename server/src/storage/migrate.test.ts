import { afterAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import postgres from 'postgres';
import { describeWith } from '../testing/services.ts';
import { createPostgresDatabase } from '../testing/storage-matrix.ts';
import { listMigrations } from './migrate.ts';

const script = join(import.meta.dir, '..', 'testing', 'open-database.ts');

describeWith(['postgres'], 'migrations on PostgreSQL', () => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  test('three processes starting at once on one empty database apply each migration exactly once', async () => {
    const { url, drop } = await createPostgresDatabase();
    drops.push(drop);
    const procs = [0, 1, 2].map(() =>
      Bun.spawn(['bun', script, 'postgres', url], {
        stdout: 'pipe',
        stderr: 'pipe',
        env: { ...process.env },
      }),
    );
    const outs = await Promise.all(
      procs.map(async (p) => ({
        code: await p.exited,
        out: await new Response(p.stdout).text(),
        err: await new Response(p.stderr).text(),
      })),
    );
    for (const o of outs) expect(o.code, o.err).toBe(0);
    const appliedCounts = outs.map((o) => JSON.parse(o.out).applied.length);
    // One process applied everything; the others found nothing left to do.
    expect(appliedCounts.sort()).toEqual([0, 0, listMigrations().length]);
    const sql = postgres(url, { max: 1 });
    const rows = await sql`SELECT id FROM handsup_migrations`;
    await sql.end();
    expect(rows.length).toBe(listMigrations().length);
  });
});
