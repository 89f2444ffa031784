/**
 * Creates a new embedded database cluster in a short-lived child process. initdb inside PGlite grows
 * the WebAssembly heap to about a gigabyte, and a WebAssembly heap never shrinks: done in the server
 * process, that peak would stay as its resident memory for its whole life. Run here, it is returned
 * to the OS when this process exits, and the server opens the finished cluster at ~160 MB.
 * Usage (by database.ts): bun pglite-init.ts PGDIR
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_CONF } from './pglite-conf.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: bun pglite-init.ts PGDIR');
  process.exit(2);
}
const pg = await PGlite.create(dir, { postgresqlconf: PGLITE_CONF });
await pg.query('SELECT 1');
await pg.close();
process.exit(0);
