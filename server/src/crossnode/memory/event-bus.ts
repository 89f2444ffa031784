/** In-process pub/sub: asynchronous (a microtask) and JSON-copied, so it behaves like Redis pub/sub. */
import type { EventBus } from '../ports.ts';
import { deliver, type MemoryHub, type Subscription } from './hub.ts';

export class MemoryEventBus implements EventBus {
  private readonly own = new Map<Subscription, string>();

  constructor(private readonly hub: MemoryHub) {}

  async publish(channel: string, message: unknown): Promise<void> {
    const subs = this.hub.channels.get(channel);
    if (!subs || subs.size === 0) return;
    const payload = JSON.stringify(message ?? null);
    const targets = [...subs];
    queueMicrotask(() => {
      const value: unknown = JSON.parse(payload);
      // A handler removed between publish and delivery is not called.
      for (const sub of targets) if (subs.has(sub)) deliver(sub, value);
    });
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    const sub: Subscription = { handler };
    let subs = this.hub.channels.get(channel);
    if (!subs) {
      subs = new Set();
      this.hub.channels.set(channel, subs);
    }
    subs.add(sub);
    this.own.set(sub, channel);
    return async () => this.remove(sub);
  }

  /** Drops every subscription made through this instance (its node is closing). */
  close(): void {
    for (const sub of [...this.own.keys()]) this.remove(sub);
  }

  private remove(sub: Subscription): void {
    const channel = this.own.get(sub);
    if (channel === undefined) return;
    this.own.delete(sub);
    const subs = this.hub.channels.get(channel);
    subs?.delete(sub);
    if (subs?.size === 0) this.hub.channels.delete(channel);
  }
}
