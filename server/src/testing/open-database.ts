// Test helper process: opens (and so migrates) a database, prints what it applied, exits.
// Usage: bun open-database.ts postgres URL | bun open-database.ts pglite DIR
import { openDatabase } from '../storage/database.ts';

const [kind, target] = process.argv.slice(2);
const db =
  kind === 'postgres'
    ? await openDatabase({ kind: 'postgres', url: target, max: 2 })
    : await openDatabase({ kind: 'pglite', dataDir: target });
console.log(JSON.stringify({ applied: db.applied, recovered: db.recovered }));
await db.close();
