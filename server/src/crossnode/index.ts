/**
 * Cross-node state for the rest of the server: `createCrossNode` picks the in-process implementations
 * (embedded shape, no REDIS_URL) or the Redis ones (cluster shape).
 */
import { createMemoryCrossNode, type MemoryHub } from './memory/index.ts';
import type { CrossNode } from './ports.ts';
import { createRedisCrossNode } from './redis/index.ts';

export type * from './ports.ts';
export { createMemoryHub, type MemoryHub } from './memory/index.ts';
export { DEFAULT_KEY_PREFIX } from './redis/keys.ts';
export { DEFAULT_PING_TIMEOUT_MS, PRESENCE_HEARTBEAT_MS, PRESENCE_TTL_MS } from './timing.ts';

export interface CrossNodeOptions {
  /** `null`: in-process state (one node). */
  redisUrl: string | null;
  nodeId: string;
  /** Prefix of every Redis key and channel; default `handsup:`. */
  keyPrefix?: string;
  /** How long a node's presence entries outlive its last heartbeat; default `PRESENCE_TTL_MS`. */
  presenceTtlMs?: number;
  /** Memory only: nodes created on the same hub share state (tests simulating several nodes). */
  memoryHub?: MemoryHub;
}

export async function createCrossNode(opts: CrossNodeOptions): Promise<CrossNode> {
  if (opts.redisUrl === null) {
    return createMemoryCrossNode({ hub: opts.memoryHub, presenceTtlMs: opts.presenceTtlMs });
  }
  return createRedisCrossNode({
    url: opts.redisUrl,
    nodeId: opts.nodeId,
    keyPrefix: opts.keyPrefix,
    presenceTtlMs: opts.presenceTtlMs,
  });
}
