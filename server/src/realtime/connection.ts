/**
 * One client connection, whichever transport carries it (WebSocket or SSE): frames go out with this
 * connection's sequence number (0, 1, 2, …). Frames are serialised once per audience and the `seq` is
 * spliced in per connection, so a broadcast costs one JSON.stringify, not one per socket.
 */
import type { ConnectionRole, OutgoingMessage } from '@handsup/protocol';
import { AppError } from '@handsup/protocol';
import type { Principal, Role } from '../domain/access/principal.ts';
import { messagesOut } from './metrics.ts';

export type ConnState = {
  sessionId: string;
  role: ConnectionRole;
  principal: Principal;
  participantId?: string;
  /** Display name (students), for teacher views. */
  name: string;
  /** Ids that revoke this connection: `user:{id}`, `participant:{id}`, the token id. */
  revocationIds: string[];
  tokenExpiresAt: number | null;
  /** The caller's role in the session (for the permission table). */
  sessionRole: Role;
};

export interface Conn {
  readonly id: string;
  readonly transport: 'ws' | 'sse';
  /** Sends one text frame; false when the transport dropped it (backpressure, closed). */
  write(text: string): boolean;
  /** Ends the connection with a close code (WebSocket) or the end of the stream (SSE). */
  end(code: number, reason: string): void;
  /** The next sequence number. */
  seq: number;
  /** Set once `hello` was accepted. */
  state: ConnState | null;
  /** Frames dropped by backpressure (the connection is closed past a few). */
  dropped: number;
}

/**
 * A message serialised without its `seq` and without its opening brace, ready to be stamped for each
 * connection: `{"seq":N,` + prepared (one concatenation per socket, nothing else).
 */
export type Prepared = string;

export const prepare = (message: OutgoingMessage | Record<string, unknown>): Prepared =>
  JSON.stringify(message).slice(1);

/** Slow consumers: past this many dropped frames the connection is closed so it reconnects and resyncs. */
const MAX_DROPPED = 3;

export const sendPrepared = (conn: Conn, body: Prepared): boolean => {
  const seq = conn.seq++;
  const ok = conn.write(`{"seq":${seq},${body}`);
  if (!ok && ++conn.dropped >= MAX_DROPPED) {
    conn.end(4003, 'unavailable');
  }
  return ok;
};

export const send = (conn: Conn, message: OutgoingMessage): boolean => {
  messagesOut.inc({ type: message.type });
  return sendPrepared(conn, prepare(message));
};

export const sendError = (conn: Conn, error: AppError, clientMsgId?: string): boolean => {
  const m: Record<string, unknown> = { type: 'error', code: error.code, message: error.message };
  if (error.field) m.field = error.field;
  if (clientMsgId) m.clientMsgId = clientMsgId;
  if (error.retryAfterS !== undefined) m.retryAfterS = error.retryAfterS;
  messagesOut.inc({ type: 'error' });
  return sendPrepared(conn, prepare(m));
};

/** Sends an `error` naming why, then closes with the catalog's close code for it. */
export const closeConn = (conn: Conn, error: AppError): void => {
  sendError(conn, error);
  conn.end(error.closeCode, error.code);
};

export const toAppError = (e: unknown): AppError =>
  e instanceof AppError ? e : new AppError('internal', 'The server could not handle that message.');
