/**
 * Cross-node state: everything that must be shared when Handsup runs as several processes. Each port
 * has an in-process implementation (embedded shape) and a Redis one (REDIS_URL); the same suites test
 * both. Durable data never lives here — it is in the database.
 */

/** Fan-out of events between nodes (pub/sub). Delivery is at-most-once; state is in the database. */
export interface EventBus {
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>;
}

export interface PresenceEntry {
  connectionId: string;
  nodeId: string;
  role: 'teacher' | 'student' | 'presenter';
  participantId?: string;
}

/** Who is connected to which session, across nodes. Entries of a dead node expire within seconds. */
export interface Presence {
  join(sessionId: string, entry: PresenceEntry): Promise<void>;
  leave(sessionId: string, connectionId: string): Promise<void>;
  /** Called periodically by each node to keep its entries alive. */
  heartbeat(nodeId: string): Promise<void>;
  list(sessionId: string): Promise<PresenceEntry[]>;
}

/** A read-through cache for small JSON values (the open poll of a session, running tallies). */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** When not allowed: milliseconds until a request would be allowed again. */
  retryAfterMs: number;
}

/** Fixed- or sliding-window counters shared by all nodes. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
}

/** Revoked sessions / token families / users, spread to every node; entries expire after `ttlMs`. */
export interface Revocations {
  revoke(id: string, ttlMs: number): Promise<void>;
  isRevoked(id: string): Promise<boolean>;
  /** Called on every node (including this one) when an id is revoked. */
  onRevoked(handler: (id: string) => void): Promise<() => Promise<void>>;
}

/** Cluster-wide increasing counters (per-session state versions). */
export interface Counters {
  next(key: string): Promise<number>;
}

export interface CrossNode {
  kind: 'memory' | 'redis';
  bus: EventBus;
  presence: Presence;
  cache: Cache;
  rateLimiter: RateLimiter;
  revocations: Revocations;
  counters: Counters;
  /** Resolves when the backing store answers (always, for memory). */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
