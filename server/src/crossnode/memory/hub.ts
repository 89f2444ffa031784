/**
 * The state behind the in-process implementations. One hub is one "cluster": every CrossNode created
 * on the same hub sees the same state, which is how the shared suites simulate two nodes in memory.
 */
import type { PresenceEntry } from '../ports.ts';

export interface Subscription {
  handler: (message: unknown) => void;
}

export interface MemoryHub {
  /** The clock every memory port reads; inject a fake one to test expiry without waiting. */
  now: () => number;
  channels: Map<string, Set<Subscription>>;
  presence: {
    sessions: Map<string, Map<string, PresenceEntry>>;
    /** nodeId -> time at which its entries stop counting. */
    nodeExpiresAt: Map<string, number>;
  };
  cache: Map<string, { json: string; expiresAt: number }>;
  answers: Map<string, { entries: Map<string, string>; seeded: boolean; expiresAt: number }>;
  rateLimits: Map<string, { count: number; resetAt: number }>;
  revoked: Map<string, number>;
  revocationHandlers: Set<Subscription>;
  counters: Map<string, number>;
}

export function createMemoryHub(opts: { now?: () => number } = {}): MemoryHub {
  return {
    now: opts.now ?? Date.now,
    channels: new Map(),
    presence: { sessions: new Map(), nodeExpiresAt: new Map() },
    cache: new Map(),
    answers: new Map(),
    rateLimits: new Map(),
    revoked: new Map(),
    revocationHandlers: new Set(),
    counters: new Map(),
  };
}

/** Past this many entries, a write first drops the expired ones, so long-running processes stay small. */
const SWEEP_THRESHOLD = 10_000;

export function sweepExpired<V>(map: Map<string, V>, expiresAt: (v: V) => number, now: number): void {
  if (map.size < SWEEP_THRESHOLD) return;
  for (const [key, value] of map) if (expiresAt(value) <= now) map.delete(key);
}

/** Runs a subscriber's handler so that one that throws cannot break delivery to the others. */
export function deliver(sub: Subscription, message: unknown): void {
  try {
    sub.handler(message);
  } catch (e) {
    console.error('crossnode: a subscriber threw', e);
  }
}
