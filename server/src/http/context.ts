/**
 * What every module gets: configuration, the database, the cross-node layer, a logger and a clock.
 * `createApp(deps)` builds the whole application from these, so tests choose real or in-process parts.
 */
import type { Config } from '../config/config.ts';
import type { CrossNode } from '../crossnode/ports.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database } from '../storage/database.ts';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface AppDeps {
  config: Config;
  database: Database;
  crossNode: CrossNode;
  log: Logger;
  clock: Clock;
  /** Identifies this process in presence entries and logs. */
  nodeId: string;
}

/** Per-request facts the Bun server knows before Elysia sees the request (socket peer, request id). */
export interface RequestFacts {
  clientAddress: string;
  requestId: string;
  /** The scheme the client used: X-Forwarded-Proto from a trusted proxy, else the connection's own. */
  protocol: 'http' | 'https';
}
const facts = new WeakMap<Request, RequestFacts>();
export const setRequestFacts = (req: Request, f: RequestFacts): void => {
  facts.set(req, f);
};
export const requestFacts = (req: Request): RequestFacts =>
  facts.get(req) ?? { clientAddress: 'unknown', requestId: crypto.randomUUID(), protocol: 'http' };
