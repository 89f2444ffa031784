/**
 * Cross-node state: everything that must be shared when Handsup runs as several processes. Each port
 * has an in-process implementation (embedded shape) and a Redis one (REDIS_URL); the same suites test
 * both. Durable data never lives here — it is in the database.
 *
 * Every method may reject when the backing store is unreachable (Redis: within about a second, never
 * hanging); callers treat that as "unavailable right now", not as a programming error.
 */

/**
 * Fan-out of events between nodes (pub/sub). Delivery is at-most-once and always asynchronous (never
 * inside `publish`); state is in the database. Messages travel as JSON: a handler receives a parsed
 * copy, never the publisher's object (a `Date` arrives as a string, `undefined` as `null`).
 */
export interface EventBus {
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes (idempotent). */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>;
}

export interface PresenceEntry {
  connectionId: string;
  nodeId: string;
  role: 'teacher' | 'student' | 'presenter';
  participantId?: string;
}

/**
 * Who is connected to which session, across nodes. An entry lives as long as its node (`entry.nodeId`)
 * keeps calling `heartbeat`; entries of a node that stops are left out of `list` once the presence TTL
 * (default 10 s) has passed since its last heartbeat or join.
 */
export interface Presence {
  /** Adds or replaces the entry for `entry.connectionId`; also counts as a heartbeat of `entry.nodeId`. */
  join(sessionId: string, entry: PresenceEntry): Promise<void>;
  leave(sessionId: string, connectionId: string): Promise<void>;
  /**
   * Called periodically by each node (every `PRESENCE_HEARTBEAT_MS`) to keep its entries alive. It also
   * re-asserts the entries this instance joined, so a node that stalled past the TTL comes back whole.
   */
  heartbeat(nodeId: string): Promise<void>;
  /** Entries of live nodes only, in no particular order. */
  list(sessionId: string): Promise<PresenceEntry[]>;
}

/** A read-through cache for small JSON values (the open poll of a session, running tallies). */
export interface Cache {
  /** A parsed copy of the stored value, or `undefined` when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` as JSON for `ttlMs` milliseconds (at least 1). */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Running results of a poll round, as the tally needs them: one entry per participant (the JSON of its
 * answer), so a node that comes to a round — a restart, a new node, a periodic recount — rebuilds its
 * tally without reading the database. The database stays the truth: a round counts as cached only once
 * a node has seeded it from the database; every committed vote batch is then added by the node that
 * wrote it. Names are built by the caller (`answers:{pollId}:{round}`).
 */
export interface AnswerCache {
  /** Adds or replaces entries (a committed vote batch) and refreshes the TTL. */
  put(key: string, entries: Record<string, string>, ttlMs: number): Promise<void>;
  /**
   * Marks the key as complete with what the database held: entries it lacks are added, entries it has
   * are kept (they were written after that read, so they are newer). Atomic.
   */
  seed(key: string, entries: Record<string, string>, ttlMs: number): Promise<void>;
  /** Every entry of a seeded key; `undefined` when the key is absent, expired or was never seeded. */
  read(key: string): Promise<Record<string, string> | undefined>;
  delete(key: string): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits still allowed in the current window after this one. */
  remaining: number;
  /** When not allowed: milliseconds until a request would be allowed again (> 0); 0 when allowed. */
  retryAfterMs: number;
}

/**
 * Fixed-window counters shared by all nodes: the first hit on a key opens a window of `windowMs`; the
 * first `limit` hits in it are allowed, later ones are denied until the window ends. Atomic across nodes.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Forgets the key's window (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** Revoked sessions / token families / users, spread to every node; entries expire after `ttlMs`. */
export interface Revocations {
  revoke(id: string, ttlMs: number): Promise<void>;
  isRevoked(id: string): Promise<boolean>;
  /**
   * Called on every node (including this one) when an id is revoked, asynchronously and at most once per
   * revoke. A node that is disconnected at that moment misses the call; `isRevoked` stays authoritative.
   */
  onRevoked(handler: (id: string) => void): Promise<() => Promise<void>>;
}

/** Cluster-wide increasing counters (per-session state versions). */
export interface Counters {
  /** The next value of `key`: 1 for a new key, then strictly greater than any value returned before. */
  next(key: string): Promise<number>;
}

export interface CrossNode {
  kind: 'memory' | 'redis';
  bus: EventBus;
  presence: Presence;
  cache: Cache;
  answers: AnswerCache;
  rateLimiter: RateLimiter;
  revocations: Revocations;
  counters: Counters;
  /**
   * Resolves when the backing store answers (always, for memory); rejects within `timeoutMs`
   * (default 1000) otherwise. Backs /readyz.
   */
  ping(timeoutMs?: number): Promise<void>;
  /** Drops this node's subscriptions and closes its connections. */
  close(): Promise<void>;
}
