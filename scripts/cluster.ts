/**
 * The cluster shape on this machine, for humans: N Handsup nodes on PostgreSQL + Redis behind Debian's
 * nginx, on loopback, with the production nginx template and docker/handsup.env (see
 * server/src/testing/cluster.ts). Ctrl-C stops everything (and drops the database it created).
 *
 *   bun scripts/cluster.ts [--nodes 3] [--database-url postgres://…] [--redis-url redis://…] [--prefix p:]
 *
 * Without --database-url a fresh database is created on TEST_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/test) and dropped at exit. The web app must be built first
 * (`bun run build`).
 */
import { parseArgs } from 'node:util';
import { startCluster } from '../server/src/testing/cluster.ts';
import { REDIS_TEST_URL } from '../server/src/testing/services.ts';
import { createPostgresDatabase } from '../server/src/testing/storage-matrix.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string', default: REDIS_TEST_URL },
    prefix: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: bun scripts/cluster.ts [--nodes N] [--database-url URL] [--redis-url URL] [--prefix PREFIX]',
  );
  process.exit(0);
}
const nodes = Number(values.nodes);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) {
  console.error('--nodes must be a whole number from 1 to 16');
  process.exit(64);
}

const created = values['database-url'] ? null : await createPostgresDatabase();
const databaseUrl = values['database-url'] ?? created!.url;
const cluster = await startCluster({
  nodes,
  databaseUrl,
  redisUrl: values['redis-url'],
  redisPrefix: values.prefix,
});

console.log(`Handsup cluster: ${nodes} node(s) behind nginx
  open        ${cluster.url}
  websocket   ${cluster.wsUrl}
  nodes       ${cluster.nodes.map((n) => n.url).join('  ')}
  metrics     curl -H 'authorization: Bearer ${cluster.metricsToken}' ${cluster.nodes[0].url}/metrics
  database    ${databaseUrl.replace(/\/\/[^@]*@/, '//…@')}${created ? ' (created; dropped at exit)' : ''}
  nginx dir   ${cluster.nginx.dir} (handsup.conf is the rendered template, access.log)
Ctrl-C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await cluster.stop();
  await created?.drop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
