/**
 * The cluster shape without Docker, on loopback only: N Handsup processes on PostgreSQL + Redis, and
 * Debian's nginx in front rendered from the Docker deployment's template. Each node gets the
 * environment of docker/handsup.env (the compose replicas' file) with only the topology overridden —
 * addresses, ports, database, Redis, NODE_ENV (production needs an https origin) — and its secrets as
 * *_FILE, as compose secrets provide them. Used by the cluster tests, the benchmark and
 * `bun scripts/cluster.ts` (for humans).
 *
 * @example
 *   const cluster = await startCluster({ nodes: 3, databaseUrl, redisUrl, redisPrefix: 'bench:' });
 *   await fetch(`${cluster.url}/readyz`);           // through nginx
 *   await cluster.nodes[1].kill('SIGKILL');         // a node dies; nginx skips it
 *   await cluster.nodes[1].restart();               // back on the same port
 *   await cluster.stop();
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type NginxProcess, startNginx } from './cluster-nginx.ts';
import { freePort, type ServerProcess, spawnServer, tempDir } from './processes.ts';

export const ENV_FILE = resolve(import.meta.dir, '..', '..', '..', 'docker', 'handsup.env');

export interface ClusterOptions {
  nodes: number;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and channel; give each cluster its own on a shared Redis. */
  redisPrefix?: string;
  /** Extra environment for every node (wins over docker/handsup.env and the topology). */
  env?: Record<string, string>;
  /** nginx access log on its stdout (default true); the benchmark turns it off. */
  accessLog?: boolean;
}

export interface ClusterNode {
  index: number;
  url: string;
  port: number;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<number>;
  /** Starts the node again on the same port and waits until /readyz answers. */
  restart(): Promise<void>;
  /** Everything the node wrote (JSON log lines), across restarts. */
  output(): Promise<string>;
  readonly running: boolean;
  /** The node's process id while it runs (the benchmark reads its memory and CPU). */
  readonly pid: number | null;
}

export interface Cluster {
  /** The load balancer: http://127.0.0.1:PORT. */
  url: string;
  wsUrl: string;
  nodes: ClusterNode[];
  nginx: NginxProcess;
  /** Bearer token of every node's /metrics. */
  metricsToken: string;
  stop(): Promise<void>;
}

/** KEY=VALUE lines of an env file (comments and blank lines skipped; no quoting, like compose's). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) env[m[1]] = m[2].trim();
  }
  return env;
}

const randomHex = (bytes: number): string =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  if (opts.nodes < 1) throw new Error('a cluster needs at least one node');
  const ports: number[] = [];
  while (ports.length < opts.nodes) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const lbPort = await freePort();
  const secrets = tempDir('handsup-cluster-secrets-');
  const metricsToken = randomHex(24);
  const secret = (name: string, value: string) => {
    writeFileSync(join(secrets, name), value, { mode: 0o600 });
    return join(secrets, name);
  };
  const env: Record<string, string> = {
    ...parseEnvFile(readFileSync(ENV_FILE, 'utf8')),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: `http://127.0.0.1:${lbPort}`,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: opts.redisPrefix ?? `handsup-cluster-${randomHex(4)}:`,
    TRUSTED_PROXIES: '127.0.0.1',
    HANDSUP_DATA_DIR: tempDir('handsup-cluster-data-'),
    JWT_SECRETS_FILE: secret('jwt_secrets', `k1:${randomHex(32)}`),
    HANDSUP_ENCRYPTION_KEY_FILE: secret('encryption_key', randomHex(32)),
    METRICS_TOKEN_FILE: secret('metrics_token', metricsToken),
    ...opts.env,
  };

  const procs: (ServerProcess | null)[] = ports.map(() => null);
  const logs: string[] = ports.map(() => '');
  const launch = async (i: number) => {
    const s = await spawnServer(env, ports[i]);
    procs[i] = s;
    await s.waitReady(60_000);
  };
  const nodes: ClusterNode[] = ports.map((port, index) => ({
    index,
    port,
    url: `http://127.0.0.1:${port}`,
    get running() {
      const p = procs[index];
      return !!p && p.proc.exitCode === null && !p.proc.signalCode;
    },
    get pid() {
      return procs[index]?.proc.pid ?? null;
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      const p = procs[index];
      if (!p) return 0;
      const code = await p.kill(signal);
      logs[index] += await p.output();
      procs[index] = null;
      return code;
    },
    async restart() {
      if (procs[index]) await this.kill('SIGTERM');
      await launch(index);
    },
    async output() {
      return logs[index] + ((await procs[index]?.output()) ?? '');
    },
  }));

  let nginx: NginxProcess | null = null;
  try {
    await Promise.all(ports.map((_, i) => launch(i)));
    nginx = await startNginx({ upstreamPorts: ports, port: lbPort, accessLog: opts.accessLog });
  } catch (e) {
    await Promise.all(nodes.map((n) => n.kill('SIGKILL').catch(() => 0)));
    throw e;
  }
  const lb = nginx;
  return {
    url: lb.url,
    wsUrl: `${lb.url.replace('http', 'ws')}/ws`,
    nodes,
    nginx: lb,
    metricsToken,
    async stop() {
      await lb.stop();
      await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
      for (const dir of [lb.dir, secrets, env.HANDSUP_DATA_DIR])
        rmSync(dir, { recursive: true, force: true });
    },
  };
}
