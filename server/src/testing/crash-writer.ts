// Crash drill helper: `bun crash-writer.ts DIR N` commits N rows into the embedded database in DIR one
// transaction at a time, prints "committed N" and then waits to be killed; `bun crash-writer.ts DIR count`
// prints how many rows are there.
import { openDatabase } from '../storage/database.ts';

const [dir, what] = process.argv.slice(2);
const db = await openDatabase({ kind: 'pglite', dataDir: dir });
if (what === 'count') {
  const [r] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE action = 'crash.drill'`,
  );
  console.log(`rows ${r.n}`);
  await db.close();
  process.exit(0);
}
const n = Number(what);
for (let i = 0; i < n; i++) {
  await db.query(`INSERT INTO audit_log (action, details) VALUES ('crash.drill', $1)`, [
    JSON.stringify({ i }),
  ]);
}
console.log(`committed ${n}`);
setInterval(() => {}, 1000);
