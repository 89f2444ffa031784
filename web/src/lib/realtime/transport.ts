/**
 * The two ways frames travel, behind one small interface so the connection manager does not care:
 * - WebSocket at `/ws` (the normal path);
 * - Server-Sent Events down (`GET /api/realtime/sse`) + HTTP POST up (`POST /api/realtime/send`), for
 *   school proxies that break WebSocket upgrades. The same JSON messages flow both ways.
 *
 * SSE contract (server/src/realtime/sse-routes.ts): `GET /api/realtime/sse?sessionId=…` with
 * `Authorization: Bearer <token>` is the hello; each SSE `data:` line is one server message. Client
 * messages are POSTed to `/api/realtime/send?connectionId=<welcome.connectionId>` with the same bearer.
 * The stream is read with fetch() rather than EventSource so the token stays out of URLs and a failed
 * stream is not silently retried by the browser behind the manager's back (the manager owns backoff).
 */

export interface TransportEvents {
  onOpen(): void;
  onMessage(text: string): void;
  /** Exactly once per transport, whoever closed it. */
  onClose(code: number, reason: string): void;
}

export interface Transport {
  readonly kind: 'websocket' | 'sse';
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export type TransportFactory = (events: TransportEvents) => Transport;

/** ws:// or wss:// on the page's own origin. */
export const socketUrl = (origin: string): string => `${origin.replace(/^http/, 'ws')}/ws`;

export function webSocketTransport(url: string): TransportFactory {
  return (events) => {
    const ws = new WebSocket(url);
    let closed = false;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      events.onClose(code, reason);
    };
    ws.onopen = () => events.onOpen();
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') events.onMessage(e.data);
    };
    ws.onclose = (e) => finish(e.code, e.reason);
    // An error is always followed by close; nothing to add.
    ws.onerror = () => {};
    return {
      kind: 'websocket',
      send: (text) => ws.send(text),
      close(code = 1000, reason = '') {
        try {
          ws.close(code, reason);
        } catch {
          ws.close();
        }
        finish(code, reason);
      },
    };
  };
}

/** Splits an SSE byte stream into `data` payloads (multi-line data joined with \n, per the spec). */
export function createSseParser(onData: (data: string) => void): (chunk: string) => void {
  let buffer = '';
  let data: string[] = [];
  return (chunk) => {
    buffer += chunk;
    let nl = buffer.search(/\r\n|\r|\n/);
    while (nl !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? nl + 2 : nl + 1);
      if (line === '') {
        if (data.length) onData(data.join('\n'));
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
      nl = buffer.search(/\r\n|\r|\n/);
    }
  };
}

export function sseTransport(origin: string): TransportFactory {
  return (events) => {
    const abort = new AbortController();
    let closed = false;
    let token = '';
    let connectionId: string | null = null;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      abort.abort();
      events.onClose(code, reason);
    };
    const parse = createSseParser((data) => {
      // The welcome names this stream; later POSTs quote it.
      if (connectionId === null && data.includes('"welcome"')) {
        try {
          connectionId = (JSON.parse(data) as { connectionId?: string }).connectionId ?? null;
        } catch {
          // not JSON: the manager will reject it
        }
      }
      events.onMessage(data);
    });
    const openStream = async (sessionId: string) => {
      try {
        const res = await fetch(`${origin}/api/realtime/sse?sessionId=${encodeURIComponent(sessionId)}`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
          cache: 'no-store',
          signal: abort.signal,
        });
        if (!res.ok || !res.body) return finish(4003, `SSE refused (${res.status})`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parse(value);
        }
        finish(1006, 'stream ended');
      } catch {
        finish(1006, 'stream failed');
      }
    };
    // Ready at once: the manager's first frame (the hello) is what opens the stream.
    queueMicrotask(() => {
      if (!closed) events.onOpen();
    });
    return {
      kind: 'sse',
      send(text) {
        const msg = JSON.parse(text) as { type: string; token?: string; sessionId?: string };
        if (msg.type === 'hello') {
          token = msg.token ?? '';
          void openStream(msg.sessionId ?? '');
          return;
        }
        if (!connectionId) return; // not welcomed yet: the outbox re-sends after the welcome
        fetch(`${origin}/api/realtime/send?connectionId=${encodeURIComponent(connectionId)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: text,
          signal: abort.signal,
        })
          .then((r) => {
            if (r.ok && msg.type === 'token.renew' && msg.token) token = msg.token;
            // The server forgot this stream (restart, other node): start over like a dropped socket.
            if (r.status === 404 || r.status === 401) finish(4000, 'stream unknown');
          })
          .catch(() => finish(1006, 'send failed'));
      },
      close: (code = 1000, reason = '') => finish(code, reason),
    };
  };
}
