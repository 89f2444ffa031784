/** What the Redis implementation promises beyond the shared suites: outages are reported, not waited out. */
import { afterAll, describe, expect, test } from 'bun:test';
import Redis from 'ioredis';
import { describeWith, REDIS_TEST_URL, uniqueName } from '../../testing/services.ts';
import { deleteKeys, eventually } from '../cross-node-matrix.ts';
import { createCrossNode } from '../index.ts';
import type { CrossNode } from '../ports.ts';

/** A port nothing listens on: bound by us for a moment, then released. */
function freePort(): number {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

describe('Redis cross-node state with Redis unreachable', () => {
  test('creation does not hang, ping rejects within its timeout, and operations reject promptly', async () => {
    const warn = console.warn;
    console.warn = () => {};
    const startedAt = Date.now();
    const node = await createCrossNode({
      redisUrl: `redis://127.0.0.1:${freePort()}`,
      nodeId: uniqueName('n'),
    });
    try {
      expect(Date.now() - startedAt).toBeLessThan(2_500);
      const pingAt = Date.now();
      await expect(node.ping(300)).rejects.toThrow();
      expect(Date.now() - pingAt).toBeLessThan(400);
      const opAt = Date.now();
      await expect(node.cache.get('x')).rejects.toThrow();
      await expect(node.bus.subscribe('x', () => {})).rejects.toThrow();
      await expect(node.counters.next('x')).rejects.toThrow();
      expect(Date.now() - opAt).toBeLessThan(1_500);
    } finally {
      await node.close();
      console.warn = warn;
    }
  });
});

describeWith(['redis'], 'Redis cross-node state', () => {
  const keyPrefix = `${uniqueName('handsup_test')}:`;
  const nodes: CrossNode[] = [];
  const node = async (nodeId = uniqueName('n')) => {
    const n = await createCrossNode({ redisUrl: REDIS_TEST_URL, nodeId, keyPrefix });
    nodes.push(n);
    return n;
  };
  const admin = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(keyPrefix);
    admin.disconnect();
  });

  test('ping resolves while Redis answers', async () => {
    await (await node()).ping(500);
  });

  test('keeps every key under the configured prefix', async () => {
    const a = await node();
    await a.cache.set('k', 1, 5_000);
    await a.counters.next('k');
    await a.rateLimiter.hit('k', 1, 5_000);
    await a.revocations.revoke('k', 5_000);
    await a.presence.join('k', { connectionId: 'c', nodeId: 'n', role: 'student' });
    const keys = (await admin.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual(
      ['cache:k', 'counter:k', 'presence-node:n', 'presence:k', 'ratelimit:k', 'revoked:k'].map(
        (k) => keyPrefix + k,
      ),
    );
    expect(await admin.pttl(`${keyPrefix}counter:k`)).toBeGreaterThan(0);
    expect(await admin.pttl(`${keyPrefix}presence:k`)).toBeGreaterThan(0);
  });

  test('resubscribes after Redis drops the subscriber connection', async () => {
    const nodeId = uniqueName('resub');
    const [a, b] = [await node(), await node(nodeId)];
    const received: unknown[] = [];
    await b.bus.subscribe('resub', (m) => received.push(m));
    const clients = (await admin.client('LIST')) as string;
    const line = clients.split('\n').find((l) => l.includes(` name=handsup:${nodeId}:sub `));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    const warn = console.warn;
    console.warn = () => {};
    try {
      await admin.client('KILL', 'ID', id!);
      await eventually(async () => {
        await a.bus.publish('resub', 'after reconnect');
        await Bun.sleep(20);
        return received.length > 0;
      }, 5_000);
      await b.ping(500);
    } finally {
      console.warn = warn;
    }
    expect(received[0]).toBe('after reconnect');
  });
});
