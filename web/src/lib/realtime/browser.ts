/** The browser's transports for the connection manager: WebSocket first, SSE + POST as the fallback. */
import { socketUrl, sseTransport, type TransportFactory, webSocketTransport } from './transport.ts';

export function browserTransports(origin = location.origin): {
  websocket: TransportFactory;
  sse: TransportFactory;
} {
  return {
    websocket: webSocketTransport(socketUrl(origin)),
    sse: sseTransport(origin),
  };
}

/** sessionStorage when usable (private modes may throw), so a pending answer survives a reload. */
export function safeSessionStorage(): Storage | null {
  try {
    const s = window.sessionStorage;
    s.setItem('handsup.probe', '1');
    s.removeItem('handsup.probe');
    return s;
  } catch {
    return null;
  }
}
