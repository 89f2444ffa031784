/**
 * A TCP proxy a test can cut: PostgreSQL (or any server) made to look down to its clients — open
 * connections reset, new ones refused — without touching the shared server, then restored.
 * Used by the failure drills (drills.test.ts).
 */
import type { Socket, TCPSocketListener } from 'bun';

type Side = { sock: Socket<Pipe> | null; queue: Uint8Array[] };
type Pipe = { client: Side; upstream: Side; closed: boolean };

const pump = (side: Side) => {
  const s = side.sock;
  if (!s) return;
  while (side.queue.length) {
    const chunk = side.queue[0];
    const n = s.write(chunk);
    if (n < chunk.length) {
      side.queue[0] = chunk.subarray(Math.max(0, n));
      return; // the rest goes on `drain`
    }
    side.queue.shift();
  }
};

export interface TcpProxy {
  port: number;
  /** True while cut. */
  readonly isCut: boolean;
  /** Connections piped so far (a reconnecting client opens new ones). */
  readonly accepted: number;
  /** Closes every piped connection and stops listening: new connections are refused (ECONNREFUSED). */
  cut(): void;
  /** Listens again on the same port. */
  restore(): void;
  stop(): void;
}

/** Pipes 127.0.0.1:<free port> to `target`; `cut()` makes the target look down to every client. */
export function startTcpProxy(target: { hostname: string; port: number }): TcpProxy {
  const pipes = new Set<Pipe>();
  let cut = false;
  let accepted = 0;
  const close = (p: Pipe) => {
    if (p.closed) return;
    p.closed = true;
    pipes.delete(p);
    p.client.sock?.terminate();
    p.upstream.sock?.terminate();
  };
  const listen = (port: number): TCPSocketListener<Pipe> =>
    Bun.listen<Pipe>({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(client) {
          accepted++;
          const p: Pipe = {
            client: { sock: client, queue: [] },
            upstream: { sock: null, queue: [] },
            closed: false,
          };
          client.data = p;
          pipes.add(p);
          Bun.connect<Pipe>({
            hostname: target.hostname,
            port: target.port,
            data: p,
            socket: {
              open(up) {
                if (p.closed) return void up.terminate();
                p.upstream.sock = up;
                pump(p.upstream);
              },
              data(_up, chunk) {
                p.client.queue.push(new Uint8Array(chunk));
                pump(p.client);
              },
              drain: () => pump(p.upstream),
              close: () => close(p),
              error: () => close(p),
            },
          }).catch(() => close(p));
        },
        data(client, chunk) {
          const p = client.data;
          if (!p || p.closed) return;
          p.upstream.queue.push(new Uint8Array(chunk));
          pump(p.upstream);
        },
        drain(client) {
          if (client.data) pump(client.data.client);
        },
        close(client) {
          if (client.data) close(client.data);
        },
        error(client) {
          if (client.data) close(client.data);
        },
      },
    });
  let listener: TCPSocketListener<Pipe> | null = listen(0);
  const port = listener.port;
  return {
    port,
    get isCut() {
      return cut;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      cut = true;
      listener?.stop(true);
      listener = null;
      for (const p of [...pipes]) close(p);
    },
    restore() {
      cut = false;
      listener ??= listen(port);
    },
    stop() {
      cut = true;
      listener?.stop(true);
      listener = null;
      for (const p of [...pipes]) close(p);
    },
  };
}

/** `url` with its host and port replaced by the proxy's. */
export const viaProxy = (url: string, proxy: TcpProxy): string => {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
};
