/**
 * Redis presence: one hash per session (connectionId -> JSON entry) and one liveness key per node with a
 * PX TTL. `list` keeps the entries whose node key still exists and prunes the others; a node's heartbeat
 * refreshes its key and re-writes the entries it owns, so pruning a stalled node is never permanent.
 */
import type Redis from 'ioredis';
import type { Presence, PresenceEntry } from '../ports.ts';
import { presenceHashTtlMs, type RedisKeys } from './keys.ts';

export class RedisPresence implements Presence {
  private readonly local = new Map<string, Map<string, PresenceEntry>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
  ) {}

  async join(sessionId: string, entry: PresenceEntry): Promise<void> {
    const copy = { ...entry };
    const hash = this.keys.presence(sessionId);
    await this.redis
      .multi()
      .hset(hash, entry.connectionId, JSON.stringify(copy))
      .pexpire(hash, presenceHashTtlMs(this.ttlMs))
      .set(this.keys.presenceNode(entry.nodeId), '1', 'PX', this.ttlMs)
      .exec()
      .then(throwOnFailure);
    let entries = this.local.get(sessionId);
    if (!entries) {
      entries = new Map();
      this.local.set(sessionId, entries);
    }
    entries.set(entry.connectionId, copy);
  }

  async leave(sessionId: string, connectionId: string): Promise<void> {
    const entries = this.local.get(sessionId);
    entries?.delete(connectionId);
    if (entries?.size === 0) this.local.delete(sessionId);
    await this.redis.hdel(this.keys.presence(sessionId), connectionId);
  }

  async heartbeat(nodeId: string): Promise<void> {
    const tx = this.redis.multi().set(this.keys.presenceNode(nodeId), '1', 'PX', this.ttlMs);
    for (const [sessionId, entries] of this.local) {
      const fields: string[] = [];
      for (const entry of entries.values()) {
        if (entry.nodeId === nodeId) fields.push(entry.connectionId, JSON.stringify(entry));
      }
      if (fields.length === 0) continue;
      const hash = this.keys.presence(sessionId);
      tx.hset(hash, ...fields).pexpire(hash, presenceHashTtlMs(this.ttlMs));
    }
    await tx.exec().then(throwOnFailure);
  }

  async list(sessionId: string): Promise<PresenceEntry[]> {
    const hash = this.keys.presence(sessionId);
    const raw = await this.redis.hgetall(hash);
    const entries = Object.entries(raw).map(([connectionId, json]) => ({
      connectionId,
      entry: JSON.parse(json) as PresenceEntry,
    }));
    if (entries.length === 0) return [];
    const nodeIds = [...new Set(entries.map((e) => e.entry.nodeId))];
    const flags = await this.redis.mget(nodeIds.map((id) => this.keys.presenceNode(id)));
    const alive = new Set(nodeIds.filter((_, i) => flags[i] !== null));
    const dead = entries.filter((e) => !alive.has(e.entry.nodeId)).map((e) => e.connectionId);
    // Pruning is only housekeeping: a reader must not fail because of it.
    if (dead.length > 0) this.redis.hdel(hash, ...dead).catch(() => {});
    return entries.filter((e) => alive.has(e.entry.nodeId)).map((e) => e.entry);
  }
}

/** MULTI reports per-command errors in its result rather than rejecting. */
export function throwOnFailure(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('Redis transaction aborted');
  for (const [error] of results) if (error) throw error;
}
