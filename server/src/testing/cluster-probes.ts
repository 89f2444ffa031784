/**
 * What the cluster tests (cluster.test.ts, drills.test.ts) read off a running cluster: a node's
 * metrics and one series of them, its readiness, and whether nginx routes to it; and
 * `describeCluster`, which runs a suite only where nginx is installed — in CI it must be.
 */
import type { Cluster } from './cluster.ts';
import { findNginx } from './cluster-nginx.ts';
import { eventually } from './eventually.ts';
import { describeNeeding, describeWith, uniqueName } from './services.ts';

const nginx = findNginx();

/** A suite on a cluster behind nginx (with PostgreSQL and Redis); skipped without nginx, except in CI. */
export const describeCluster = (title: string, body: () => void) =>
  nginx
    ? describeWith(['postgres', 'redis'], title, body)
    : describeNeeding(
        'nginx not found (Debian package nginx, or NGINX_PATH)',
        'nginx is installed',
        title,
        body,
      );

/** Node `i`'s metrics; if it cannot answer, the error says whether it still runs and what it logged. */
export async function metricsOf(cluster: Cluster, i: number): Promise<string> {
  const node = cluster.nodes[i];
  try {
    const res = await fetch(`${node.url}/metrics`, {
      headers: { authorization: `Bearer ${cluster.metricsToken}` },
    });
    return await res.text();
  } catch (e) {
    const log = (await node.output()).split('\n').slice(-40).join('\n');
    throw new Error(
      `node ${i + 1} (pid ${node.pid}, ${node.running ? 'running' : 'not running'}) did not answer /metrics: ${e}\n${log}`,
    );
  }
}

/** The value of one series (`name` or `name{labels}`) in a metrics text; 0 when it is absent. */
export const sample = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

/** Node `i`'s `/readyz`, asked directly (status 0: it did not answer). */
export async function readyz(cluster: Cluster, i: number) {
  const r = await fetch(`${cluster.nodes[i].url}/readyz`).catch(() => null);
  return r ? { status: r.status, body: await r.json() } : { status: 0, body: null };
}

/** Until nginx sends a request to node `i` (its log line carries our request id). */
export const backInRotation = (cluster: Cluster, i: number) =>
  eventually(
    async () => {
      const rid = uniqueName('rot');
      await fetch(`${cluster.url}/healthz`, { headers: { 'x-request-id': rid } }).catch(() => null);
      await Bun.sleep(30);
      return (await cluster.nodes[i].output()).includes(rid);
    },
    15_000,
    `nginx routes to node ${i + 1} again`,
  );
