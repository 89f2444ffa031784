/**
 * Debian's nginx in front of a Docker-less cluster, rendered from docker/nginx/handsup.conf.template —
 * the file the Docker deployment uses — so the tests exercise the production balancer configuration.
 * nginx runs as a foreground child (`daemon off`) with its prefix, pid, logs and temp files in a temp
 * folder: no root configuration is read or written, and it listens on loopback only.
 */
import type { Subprocess } from 'bun';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, tempDir } from './processes.ts';

export const NGINX_TEMPLATE = resolve(
  import.meta.dir,
  '..',
  '..',
  '..',
  'docker',
  'nginx',
  'handsup.conf.template',
);

/** nginx's binary: NGINX_PATH, else the first `nginx` on PATH or in /usr/sbin; null when there is none. */
export function findNginx(): string | null {
  const candidates = [process.env.NGINX_PATH, Bun.which('nginx'), '/usr/sbin/nginx'];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

/**
 * Replaces `${NAME}` for each given variable, like the nginx image's envsubst restricted to HANDSUP_*;
 * throws if a HANDSUP_ placeholder is left, so a template change cannot silently break the tests.
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  const out = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const missing = [...out.matchAll(/\$\{(HANDSUP_[A-Z0-9_]+)\}/g)].map((m) => m[1]);
  if (missing.length) throw new Error(`nginx template needs ${[...new Set(missing)].join(', ')}`);
  return out;
}

/** The upstream lines compose.yml passes as HANDSUP_UPSTREAM_SERVERS, for loopback ports. */
export const upstreamServers = (ports: number[]): string =>
  ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n    ');

export interface NginxProcess {
  url: string;
  port: number;
  dir: string;
  /** The error log (stderr) and the access log (one line per request) so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startNginx(opts: {
  upstreamPorts: number[];
  port?: number;
  accessLog?: boolean;
}): Promise<NginxProcess> {
  const bin = findNginx();
  if (!bin) throw new Error('nginx not found (install Debian package nginx, or set NGINX_PATH)');
  const port = opts.port ?? (await freePort());
  const dir = tempDir('handsup-nginx-');
  // Workers drop to `nobody` when nginx starts as root: they must be able to use the temp folders.
  chmodSync(dir, 0o755);
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(dir, 'tmp', t), { recursive: true, mode: 0o777 });
    chmodSync(join(dir, 'tmp', t), 0o777);
  }
  const site = renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    HANDSUP_UPSTREAM_SERVERS: upstreamServers(opts.upstreamPorts),
    HANDSUP_LISTEN: `127.0.0.1:${port}`,
    HANDSUP_SERVER_NAME: '_',
    // A file, not /dev/stdout: Bun's pipes are sockets, which nginx cannot open by path.
    HANDSUP_ACCESS_LOG: opts.accessLog === false ? 'off' : `${join(dir, 'access.log')} handsup`,
  });
  writeFileSync(join(dir, 'handsup.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
worker_rlimit_nofile 19000;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 18000; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/handsup.conf;
}
`,
  );
  const proc: Subprocess<'ignore', 'pipe', 'pipe'> = Bun.spawn(
    [bin, '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'],
    { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
  );
  let text = '';
  const collect = async (s: ReadableStream<Uint8Array>) => {
    const d = new TextDecoder();
    for await (const c of s) text += d.decode(c);
  };
  const done = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await done;
      throw new Error(`nginx exited ${proc.exitCode}: ${text}`);
    }
    try {
      const s = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {}, error() {} } });
      s.end();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 10 s: ${text}`);
      await Bun.sleep(30);
    }
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    output: () =>
      text + (existsSync(join(dir, 'access.log')) ? readFileSync(join(dir, 'access.log'), 'utf8') : ''),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await proc.exited;
      clearTimeout(timer);
      await done;
    },
  };
}
