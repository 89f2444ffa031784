/** The embedded shape: every port in process. Nodes created on one hub share state (tests use two). */
import type { CrossNode } from '../ports.ts';
import { PRESENCE_TTL_MS } from '../timing.ts';
import { MemoryCache } from './cache.ts';
import { MemoryAnswerCache } from './answer-cache.ts';
import { MemoryCounters } from './counters.ts';
import { MemoryEventBus } from './event-bus.ts';
import { createMemoryHub, type MemoryHub } from './hub.ts';
import { MemoryPresence } from './presence.ts';
import { MemoryRateLimiter } from './rate-limiter.ts';
import { MemoryRevocations } from './revocations.ts';

export { createMemoryHub, type MemoryHub } from './hub.ts';

export interface MemoryCrossNodeOptions {
  /** Share state with other nodes created on the same hub; a fresh hub when omitted. */
  hub?: MemoryHub;
  presenceTtlMs?: number;
}

export function createMemoryCrossNode(opts: MemoryCrossNodeOptions = {}): CrossNode {
  const hub = opts.hub ?? createMemoryHub();
  const bus = new MemoryEventBus(hub);
  const revocations = new MemoryRevocations(hub);
  return {
    kind: 'memory',
    bus,
    presence: new MemoryPresence(hub, opts.presenceTtlMs ?? PRESENCE_TTL_MS),
    cache: new MemoryCache(hub),
    answers: new MemoryAnswerCache(hub),
    rateLimiter: new MemoryRateLimiter(hub),
    revocations,
    counters: new MemoryCounters(hub),
    ping: async () => {},
    close: async () => {
      bus.close();
      revocations.close();
    },
  };
}
