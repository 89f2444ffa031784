/** Bun WebSockets as protocol connections: the gateway's sockets wrapped as Conn, frames as text. */
import type { RealtimeHandlers, Socket } from './gateway.ts';
import type { Conn } from './connection.ts';
import type { ConnectionHandler } from './connection-handler.ts';

/**
 * A class, not an object literal with closures: a lecture hall holds thousands of these at once, and
 * its methods live once on the prototype instead of four closures and an accessor pair per socket.
 */
class WsConn implements Conn {
  readonly transport = 'ws' as const;
  state: Conn['state'] = null;
  dropped = 0;

  constructor(private readonly ws: Socket) {}

  get id(): string {
    return this.ws.data.connectionId;
  }

  get seq(): number {
    return this.ws.data.seq;
  }

  set seq(v: number) {
    this.ws.data.seq = v;
  }

  // send(): 0 = dropped; -1 = queued under backpressure (still delivered); > 0 = bytes sent.
  write(text: string): boolean {
    return this.ws.readyState === 1 && this.ws.send(text) !== 0;
  }

  end(code: number, reason: string): void {
    if (this.ws.readyState === 1 || this.ws.readyState === 0) this.ws.close(code, reason);
  }
}

const conns = new WeakMap<Socket, Conn>();

const wrap = (ws: Socket): Conn => {
  let conn = conns.get(ws);
  if (!conn) {
    conn = new WsConn(ws);
    conns.set(ws, conn);
  }
  return conn;
};

export const websocketHandlers = (handler: ConnectionHandler): RealtimeHandlers => ({
  onOpen: (ws) => handler.opened(wrap(ws), { ip: ws.data.clientAddress, requestId: ws.data.requestId }),
  onMessage: (ws, raw) => handler.text(wrap(ws), raw),
  onClose: (ws, code) => handler.closed(wrap(ws), code),
});
