/**
 * The WebSocket endpoint (`/ws`) on Bun's native server. This file owns connection bookkeeping:
 * upgrade, per-connection sequence numbers, size limits, and closing every socket on shutdown with a
 * "reconnect" close code. Message handling is delegated to `onMessage`, which the poll engine provides.
 */
import { AppError, ERROR_CATALOG } from '@handsup/protocol';
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun';
import { requestFacts } from '../http/context.ts';
import type { Logger } from '../observability/logger.ts';

export const MAX_FRAME_BYTES = 16 * 1024;
/**
 * What the transport accepts at all: frames between MAX_FRAME_BYTES and this are read and answered
 * `payload_too_large` (4513, with an error frame naming it); only larger ones are cut by Bun (1009).
 */
export const TRANSPORT_MAX_BYTES = 4 * MAX_FRAME_BYTES;

export interface ConnectionData {
  connectionId: string;
  clientAddress: string;
  /** The upgrade request's id (X-Request-Id), on the connection's log lines. */
  requestId?: string;
  /** The next frame's sequence number: frames are numbered 0, 1, 2, … per connection. */
  seq: number;
}
export type Socket = ServerWebSocket<ConnectionData>;

export interface RealtimeHandlers {
  onOpen?(ws: Socket): void;
  onMessage(ws: Socket, raw: string): void | Promise<void>;
  onClose?(ws: Socket, code: number): void;
}

/** Sends a server message with the next per-connection sequence number; false when the socket dropped it. */
export function sendFrame(ws: Socket, message: Record<string, unknown>): boolean {
  const seq = ws.data.seq++;
  const status = ws.send(JSON.stringify({ ...message, seq }));
  return status !== 0;
}

export function closeWith(ws: Socket, error: AppError): void {
  sendFrame(ws, { type: 'error', code: error.code, message: error.message });
  ws.close(error.closeCode, error.message.slice(0, 120));
}

export function createGateway(log: Logger, handlers: RealtimeHandlers) {
  const sockets = new Set<Socket>();
  const websocket: WebSocketHandler<ConnectionData> = {
    maxPayloadLength: TRANSPORT_MAX_BYTES,
    idleTimeout: 60,
    sendPings: true,
    open(ws) {
      sockets.add(ws);
      handlers.onOpen?.(ws);
    },
    async message(ws, message) {
      if (typeof message !== 'string') {
        closeWith(
          ws,
          new AppError('validation_failed', 'Binary frames are not part of the protocol; send JSON text.'),
        );
        return;
      }
      try {
        await handlers.onMessage(ws, message);
      } catch (e) {
        const err =
          e instanceof AppError ? e : new AppError('internal', 'The server could not handle that message.');
        if (!(e instanceof AppError))
          log.error('ws handler failed', { err: e as Error, connectionId: ws.data.connectionId });
        sendFrame(ws, { type: 'error', code: err.code, message: err.message });
      }
    },
    close(ws, code) {
      sockets.delete(ws);
      handlers.onClose?.(ws, code);
    },
  };
  return {
    websocket,
    get size() {
      return sockets.size;
    },
    upgrade(request: Request, server: Server<ConnectionData>, clientAddress: string): Response | undefined {
      const ok = server.upgrade(request, {
        data: {
          connectionId: crypto.randomUUID(),
          clientAddress,
          requestId: requestFacts(request).requestId,
          seq: 0,
        },
      });
      if (ok) return undefined;
      return Response.json(
        new AppError('validation_failed', 'This endpoint only accepts WebSocket upgrades.').toBody(),
        { status: 400 },
      );
    },
    /** Closes every socket with the "server restarting, reconnect" code. */
    closeAll(reason = 'Server restarting, please reconnect.') {
      for (const ws of sockets) ws.close(ERROR_CATALOG.server_shutting_down.close, reason);
    },
  };
}
export type Gateway = ReturnType<typeof createGateway>;
