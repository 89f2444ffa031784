/**
 * One dedicated pub/sub connection per node, shared by the bus and revocations: Redis channels are
 * subscribed when their first local handler arrives and unsubscribed when the last one leaves. Commands
 * for one channel run one after another so a quick unsubscribe/subscribe pair cannot cross.
 */
import type Redis from 'ioredis';

type Handler = { fn: (message: unknown) => void };

export class RedisSubscriber {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly subscribed = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly conn: Redis) {
    conn.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
  }

  /** Resolves once Redis confirmed the subscription; rejects (handler not kept) when Redis is down. */
  async add(channel: string, fn: (message: unknown) => void): Promise<() => Promise<void>> {
    const handler: Handler = { fn };
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    try {
      await this.sync(channel);
    } catch (e) {
      this.drop(channel, handler);
      throw e;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      this.drop(channel, handler);
      await this.sync(channel);
    };
  }

  clear(): void {
    this.handlers.clear();
  }

  private drop(channel: string, handler: Handler): void {
    const set = this.handlers.get(channel);
    set?.delete(handler);
    if (set?.size === 0) this.handlers.delete(channel);
  }

  /** Brings the Redis subscription of `channel` in line with whether it has local handlers. */
  private sync(channel: string): Promise<void> {
    const previous = this.queues.get(channel) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(async () => {
        const wanted = this.handlers.has(channel);
        if (wanted && !this.subscribed.has(channel)) {
          await this.conn.subscribe(channel);
          this.subscribed.add(channel);
        } else if (!wanted && this.subscribed.has(channel)) {
          this.subscribed.delete(channel);
          await this.conn.unsubscribe(channel);
        }
      });
    this.queues.set(channel, next);
    const forget = () => {
      if (this.queues.get(channel) === next) this.queues.delete(channel);
    };
    next.then(forget, forget);
    return next;
  }

  private dispatch(channel: string, raw: string): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      console.warn(`crossnode: ignored a non-JSON message on ${channel}`);
      return;
    }
    for (const handler of [...set]) {
      if (!set.has(handler)) continue;
      try {
        handler.fn(message);
      } catch (e) {
        console.error('crossnode: a subscriber threw', e);
      }
    }
  }
}
