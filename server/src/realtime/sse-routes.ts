/**
 * The fallback transport where WebSockets are blocked: Server-Sent Events down, HTTP POST up, the same
 * messages and the same ConnectionHandler as the socket. The GET performs the `hello`; its token comes
 * from `Authorization: Bearer` (preferred) or a `token` query parameter (for `EventSource`, which
 * cannot set headers — at the price of the token appearing in URLs, which proxies may log).
 * A POST must carry the token the stream was opened or last renewed with.
 */
import { AppError, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, Uuid } from '@handsup/protocol';
import { Elysia, t } from 'elysia';
import type { AppDeps } from '../http/context.ts';
import { bearerToken } from '../modules/polls/access.ts';
import { pollEngineFor } from '../modules/polls/engine.ts';
import type { Conn } from './connection.ts';

const KEEPALIVE_MS = 15_000;

type SseConn = Conn & { token: string };

export const realtimeSseModule = (deps: AppDeps) => {
  const engine = pollEngineFor(deps);
  const open = new Map<string, SseConn>();
  const encoder = new TextEncoder();

  return new Elysia({ name: 'realtime-sse', prefix: '/api/realtime' })
    .get(
      '/sse',
      ({ headers, query }) => {
        const token = bearerToken(headers.authorization) ?? query.token ?? null;
        if (!token) throw new AppError('unauthenticated', 'Send Authorization: Bearer <token> (or ?token=).');
        let controller!: ReadableStreamDefaultController<Uint8Array>;
        let ended = false;
        let keepalive: ReturnType<typeof setInterval> | null = null;
        const finish = () => {
          if (ended) return;
          ended = true;
          if (keepalive) clearInterval(keepalive);
          open.delete(conn.id);
          engine.handler.closed(conn);
        };
        const conn: SseConn = {
          id: crypto.randomUUID(),
          transport: 'sse',
          seq: 0,
          state: null,
          dropped: 0,
          token,
          write(text) {
            if (ended) return false;
            controller.enqueue(encoder.encode(`id: ${conn.seq - 1}\ndata: ${text}\n\n`));
            return true;
          },
          end() {
            if (ended) return;
            finish();
            try {
              controller.close();
            } catch {
              // already closed by the client
            }
          },
        };
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            controller = c;
            open.set(conn.id, conn);
            keepalive = setInterval(() => {
              if (!ended) controller.enqueue(encoder.encode(': keepalive\n\n'));
            }, KEEPALIVE_MS);
            engine.handler.opened(conn);
            void engine.handler.message(conn, {
              type: 'hello',
              protocolVersion: PROTOCOL_VERSION,
              token,
              sessionId: query.sessionId,
            });
          },
          cancel() {
            finish();
          },
        });
        return new Response(stream, {
          headers: {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-store',
            'x-accel-buffering': 'no',
          },
        });
      },
      {
        query: t.Object({ sessionId: Uuid, token: t.Optional(t.String({ minLength: 1, maxLength: 4096 })) }),
        detail: {
          tags: ['realtime'],
          summary: 'Server-Sent Events fallback: the WebSocket server messages as `data:` events (id = seq)',
        },
      },
    )
    .post(
      '/send',
      async ({ headers, query, request, set }) => {
        const conn = open.get(query.connectionId);
        const token = bearerToken(headers.authorization);
        if (!conn || !token || token !== conn.token)
          throw new AppError('not_found', 'No such realtime connection for this token.');
        const text = await request.text();
        if (Buffer.byteLength(text) > MAX_CLIENT_MESSAGE_BYTES)
          throw new AppError('payload_too_large', 'Message too large.');
        if (!conn.state) throw new AppError('unauthenticated', 'The stream has not been accepted.');
        await engine.handler.text(conn, text);
        // A renewed token replaces the old one for later POSTs.
        const renewed = /"type"\s*:\s*"token\.renew"/.test(text)
          ? (JSON.parse(text) as { token?: string }).token
          : undefined;
        if (renewed && conn.state) conn.token = renewed;
        set.status = 202;
        return { ok: true as const };
      },
      {
        parse: 'none',
        query: t.Object({ connectionId: t.String({ minLength: 1, maxLength: 64 }) }),
        response: { 202: t.Object({ ok: t.Literal(true) }) },
        detail: {
          tags: ['realtime'],
          summary: 'Send one client message (JSON text) for an SSE connection; replies arrive on its stream',
        },
      },
    );
};
