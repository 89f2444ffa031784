/** Bun WebSockets as protocol connections: the gateway's sockets wrapped as Conn, frames as text. */
import type { RealtimeHandlers, Socket } from './gateway.ts';
import type { Conn } from './connection.ts';
import type { ConnectionHandler } from './connection-handler.ts';

const conns = new WeakMap<Socket, Conn>();

const wrap = (ws: Socket): Conn => {
  let conn = conns.get(ws);
  if (conn) return conn;
  conn = {
    id: ws.data.connectionId,
    transport: 'ws',
    get seq() {
      return ws.data.seq;
    },
    set seq(v: number) {
      ws.data.seq = v;
    },
    state: null,
    dropped: 0,
    // 0 = dropped; -1 = queued under backpressure (still delivered); > 0 = bytes sent.
    write: (text) => ws.readyState === 1 && ws.send(text) !== 0,
    end: (code, reason) => {
      if (ws.readyState === 1 || ws.readyState === 0) ws.close(code, reason);
    },
  };
  conns.set(ws, conn);
  return conn;
};

export const websocketHandlers = (handler: ConnectionHandler): RealtimeHandlers => ({
  onOpen: (ws) => handler.opened(wrap(ws), { ip: ws.data.clientAddress, requestId: ws.data.requestId }),
  onMessage: (ws, raw) => handler.text(wrap(ws), raw),
  onClose: (ws, code) => handler.closed(wrap(ws), code),
});
