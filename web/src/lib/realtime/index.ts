/** The realtime client: one connection manager per page (see connection.ts). */
export { browserTransports, safeSessionStorage } from './browser.ts';
export { Connection, type ConnectionOptions, type ConnectionStatus, type StopReason } from './connection.ts';
export { ServerClock } from './server-clock.ts';
export type { Transport, TransportEvents, TransportFactory } from './transport.ts';
