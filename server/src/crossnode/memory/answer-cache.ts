/** In-process running results: one map of entries per key, with the seeded mark and a TTL. */
import type { AnswerCache } from '../ports.ts';
import type { MemoryHub } from './hub.ts';

/** Expired rounds are dropped at most this often (a round can hold thousands of answers). */
const SWEEP_EVERY_MS = 60_000;

export class MemoryAnswerCache implements AnswerCache {
  private nextSweep = 0;

  constructor(private readonly hub: MemoryHub) {}

  private live(key: string, ttlMs: number) {
    const now = this.hub.now();
    if (now >= this.nextSweep) {
      this.nextSweep = now + SWEEP_EVERY_MS;
      for (const [k, v] of this.hub.answers) if (v.expiresAt <= now) this.hub.answers.delete(k);
    }
    let hit = this.hub.answers.get(key);
    if (!hit || hit.expiresAt <= now) {
      hit = { entries: new Map(), seeded: false, expiresAt: 0 };
      this.hub.answers.set(key, hit);
    }
    hit.expiresAt = now + Math.max(1, ttlMs);
    return hit;
  }

  async put(key: string, entries: Record<string, string>, ttlMs: number): Promise<void> {
    const hit = this.live(key, ttlMs);
    for (const [field, value] of Object.entries(entries)) hit.entries.set(field, value);
  }

  async seed(key: string, entries: Record<string, string>, ttlMs: number): Promise<void> {
    const hit = this.live(key, ttlMs);
    for (const [field, value] of Object.entries(entries))
      if (!hit.entries.has(field)) hit.entries.set(field, value);
    hit.seeded = true;
  }

  async read(key: string): Promise<Record<string, string> | undefined> {
    const hit = this.hub.answers.get(key);
    if (!hit?.seeded || hit.expiresAt <= this.hub.now()) return undefined;
    return Object.fromEntries(hit.entries);
  }

  async delete(key: string): Promise<void> {
    this.hub.answers.delete(key);
  }
}
