/**
 * The cluster shape: every port on Redis. A node holds two connections — commands, and a dedicated
 * subscriber (a connection in subscribe mode can run nothing else).
 */
import type { CrossNode } from '../ports.ts';
import { DEFAULT_PING_TIMEOUT_MS, PRESENCE_TTL_MS } from '../timing.ts';
import { RedisCache } from './cache.ts';
import { RedisAnswerCache } from './answer-cache.ts';
import { closeRedis, firstConnect, openRedis, withTimeout } from './connection.ts';
import { RedisCounters } from './counters.ts';
import { RedisEventBus } from './event-bus.ts';
import { DEFAULT_KEY_PREFIX, redisKeys } from './keys.ts';
import { RedisPresence } from './presence.ts';
import { RedisRateLimiter } from './rate-limiter.ts';
import { RedisRevocations } from './revocations.ts';
import { RedisSubscriber } from './subscriber.ts';

export interface RedisCrossNodeOptions {
  url: string;
  nodeId: string;
  /** Default `handsup:`. */
  keyPrefix?: string;
  presenceTtlMs?: number;
  /** How long creation waits for the first connection attempt to settle (default 2000 ms). */
  connectTimeoutMs?: number;
}

/**
 * Resolves once both connections are up or their first attempt failed: a Redis that is down at boot
 * does not stop the node; `ping` reports it and every operation rejects promptly until it is back.
 */
export async function createRedisCrossNode(opts: RedisCrossNodeOptions): Promise<CrossNode> {
  const keys = redisKeys(opts.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const redis = openRedis(opts.url, `handsup:${opts.nodeId}:cmd`);
  const sub = openRedis(opts.url, `handsup:${opts.nodeId}:sub`);
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2_000;
  await Promise.all([firstConnect(redis, connectTimeoutMs), firstConnect(sub, connectTimeoutMs)]);
  const subscriber = new RedisSubscriber(sub);
  return {
    kind: 'redis',
    bus: new RedisEventBus(redis, subscriber, keys),
    presence: new RedisPresence(redis, keys, opts.presenceTtlMs ?? PRESENCE_TTL_MS),
    cache: new RedisCache(redis, keys),
    answers: new RedisAnswerCache(redis, keys),
    rateLimiter: new RedisRateLimiter(redis, keys),
    revocations: new RedisRevocations(redis, subscriber, keys),
    counters: new RedisCounters(redis, keys),
    async ping(timeoutMs = DEFAULT_PING_TIMEOUT_MS) {
      // Without its subscriber a node would miss every event: that is not ready either.
      if (sub.status !== 'ready') throw new Error(`Redis subscriber connection is ${sub.status}`);
      await withTimeout(redis.ping(), timeoutMs, 'Redis PING');
    },
    async close() {
      subscriber.clear();
      await Promise.all([closeRedis(redis), closeRedis(sub)]);
    },
  };
}
