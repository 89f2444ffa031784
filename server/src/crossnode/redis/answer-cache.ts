/**
 * Redis running results: one hash per poll round (field = participant id, value = JSON answer), plus the
 * field `~` once the round was seeded from the database (participant ids are UUIDs: no clash).
 */
import type Redis from 'ioredis';
import type { AnswerCache } from '../ports.ts';
import type { RedisKeys } from './keys.ts';

const SEEDED = '~';

// ARGV[1] = TTL (ms), ARGV[2] = '1' to mark the hash seeded, then field, value pairs: adds what the
// hash lacks (what it has was written after the database read, so it is newer) and sets the TTL.
const SEED_SCRIPT = `
for i = 3, #ARGV, 2 do
  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
end
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], '${SEEDED}', '1') end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** Fields per script call / HSET: keeps each command small for a class of thousands. */
const CHUNK = 1000;

type WithSeed = Redis & { handsupAnswersSeed(key: string, ...args: (string | number)[]): Promise<number> };

export class RedisAnswerCache implements AnswerCache {
  private readonly redis: WithSeed;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    if (!('handsupAnswersSeed' in redis))
      redis.defineCommand('handsupAnswersSeed', { numberOfKeys: 1, lua: SEED_SCRIPT });
    this.redis = redis as WithSeed;
  }

  async put(key: string, entries: Record<string, string>, ttlMs: number): Promise<void> {
    const k = this.keys.answers(key);
    const multi = this.redis.multi();
    for (const part of chunks(Object.entries(entries))) if (part.length > 0) multi.hset(k, ...part.flat());
    multi.pexpire(k, Math.max(1, Math.ceil(ttlMs)));
    await multi.exec();
  }

  async seed(key: string, entries: Record<string, string>, ttlMs: number): Promise<void> {
    const k = this.keys.answers(key);
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const parts = [...chunks(Object.entries(entries))];
    // Earlier chunks only add entries; the last call also sets the seeded mark, so a reader never sees
    // the mark on a half-written round.
    if (parts.length === 0) parts.push([]);
    for (const [i, part] of parts.entries())
      await this.redis.handsupAnswersSeed(k, ttl, i === parts.length - 1 ? '1' : '0', ...part.flat());
  }

  async read(key: string): Promise<Record<string, string> | undefined> {
    const all = await this.redis.hgetall(this.keys.answers(key));
    if (all[SEEDED] === undefined) return undefined;
    delete all[SEEDED];
    return all;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.keys.answers(key));
  }
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}
