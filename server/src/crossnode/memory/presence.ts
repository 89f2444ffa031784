/** In-process presence: entries count while their node's heartbeat is younger than the TTL. */
import type { Presence, PresenceEntry } from '../ports.ts';
import type { MemoryHub } from './hub.ts';

export class MemoryPresence implements Presence {
  /** sessionId -> entries joined through this instance, re-asserted by `heartbeat`. */
  private readonly local = new Map<string, Map<string, PresenceEntry>>();

  constructor(
    private readonly hub: MemoryHub,
    private readonly ttlMs: number,
  ) {}

  async join(sessionId: string, entry: PresenceEntry): Promise<void> {
    const copy = { ...entry };
    mapFor(this.local, sessionId).set(entry.connectionId, copy);
    mapFor(this.hub.presence.sessions, sessionId).set(entry.connectionId, copy);
    this.touch(entry.nodeId);
  }

  async leave(sessionId: string, connectionId: string): Promise<void> {
    deleteFrom(this.local, sessionId, connectionId);
    deleteFrom(this.hub.presence.sessions, sessionId, connectionId);
  }

  async heartbeat(nodeId: string): Promise<void> {
    this.touch(nodeId);
    for (const [sessionId, entries] of this.local) {
      for (const entry of entries.values()) {
        if (entry.nodeId === nodeId)
          mapFor(this.hub.presence.sessions, sessionId).set(entry.connectionId, entry);
      }
    }
  }

  async list(sessionId: string): Promise<PresenceEntry[]> {
    const entries = this.hub.presence.sessions.get(sessionId);
    if (!entries) return [];
    const now = this.hub.now();
    const alive: PresenceEntry[] = [];
    for (const [connectionId, entry] of entries) {
      if ((this.hub.presence.nodeExpiresAt.get(entry.nodeId) ?? 0) > now) alive.push({ ...entry });
      else entries.delete(connectionId);
    }
    if (entries.size === 0) this.hub.presence.sessions.delete(sessionId);
    return alive;
  }

  private touch(nodeId: string): void {
    this.hub.presence.nodeExpiresAt.set(nodeId, this.hub.now() + this.ttlMs);
  }
}

function mapFor<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}

function deleteFrom<V>(outer: Map<string, Map<string, V>>, key: string, innerKey: string): void {
  const inner = outer.get(key);
  inner?.delete(innerKey);
  if (inner?.size === 0) outer.delete(key);
}
