import { PGlite } from '@electric-sql/pglite';
let t=performance.now();
const a = await PGlite.create(); await a.query('select 1'); console.log('create mem', performance.now()-t);
t=performance.now(); const dump = await a.dumpDataDir('none'); console.log('dump', performance.now()-t, dump.size);
t=performance.now(); const b = await PGlite.create({loadDataDir: dump}); await b.query('select 1'); console.log('load', performance.now()-t);
t=performance.now(); const c = await PGlite.create(); await c.query('select 1'); console.log('create mem 2', performance.now()-t);
