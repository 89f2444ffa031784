/** In-process revocations: an id with an expiry, and handlers called asynchronously on every revoke. */
import type { Revocations } from '../ports.ts';
import { deliver, type MemoryHub, type Subscription, sweepExpired } from './hub.ts';

export class MemoryRevocations implements Revocations {
  private readonly own = new Set<Subscription>();

  constructor(private readonly hub: MemoryHub) {}

  async revoke(id: string, ttlMs: number): Promise<void> {
    const now = this.hub.now();
    sweepExpired(this.hub.revoked, (expiresAt) => expiresAt, now);
    this.hub.revoked.set(id, now + Math.max(1, ttlMs));
    const targets = [...this.hub.revocationHandlers];
    queueMicrotask(() => {
      for (const sub of targets) if (this.hub.revocationHandlers.has(sub)) deliver(sub, id);
    });
  }

  async isRevoked(id: string): Promise<boolean> {
    const expiresAt = this.hub.revoked.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.hub.now()) return true;
    this.hub.revoked.delete(id);
    return false;
  }

  async onRevoked(handler: (id: string) => void): Promise<() => Promise<void>> {
    const sub: Subscription = { handler: (id) => handler(id as string) };
    this.hub.revocationHandlers.add(sub);
    this.own.add(sub);
    return async () => {
      this.hub.revocationHandlers.delete(sub);
      this.own.delete(sub);
    };
  }

  /** Drops the handlers registered through this instance (its node is closing). */
  close(): void {
    for (const sub of this.own) this.hub.revocationHandlers.delete(sub);
    this.own.clear();
  }
}
