/**
 * Runs one suite on both implementations: memory always, Redis when reachable (always in CI). Each
 * suite is one "cluster" — its nodes share a memory hub, or a fresh key prefix on the shared Redis that
 * is deleted afterwards — so suites never see each other's state.
 */
import { afterAll, describe } from 'bun:test';
import Redis from 'ioredis';
import { describeWith, REDIS_TEST_URL, uniqueName } from '../testing/services.ts';
import { createCrossNode } from './index.ts';
import { createMemoryHub } from './memory/index.ts';
import type { CrossNode } from './ports.ts';

export type Impl = 'memory' | 'redis';

export interface Cluster {
  impl: Impl;
  /** A new node of this suite's cluster, closed after the suite. */
  node(opts?: { presenceTtlMs?: number }): Promise<CrossNode>;
}

export function describeCrossNode(title: string, body: (cluster: Cluster) => void): void {
  for (const impl of ['memory', 'redis'] as const) {
    const name = `${title} [${impl}]`;
    const suite = () => {
      const hub = createMemoryHub();
      const keyPrefix = `${uniqueName('handsup_test')}:`;
      const nodes: CrossNode[] = [];
      afterAll(async () => {
        await Promise.all(nodes.map((n) => n.close()));
        if (impl === 'redis') await deleteKeys(keyPrefix);
      });
      body({
        impl,
        async node(opts = {}) {
          const node = await createCrossNode({
            redisUrl: impl === 'redis' ? REDIS_TEST_URL : null,
            nodeId: uniqueName('node'),
            keyPrefix,
            presenceTtlMs: opts.presenceTtlMs,
            memoryHub: hub,
          });
          nodes.push(node);
          return node;
        },
      });
    };
    if (impl === 'redis') describeWith(['redis'], name, suite);
    else describe(name, suite);
  }
}

/** Deletes every key under `prefix` (never anything else: the Redis is shared). */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_TEST_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

export { eventually } from '../testing/eventually.ts';

export const sleep = (ms: number): Promise<void> => Bun.sleep(ms);
