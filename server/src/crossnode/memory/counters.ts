/** In-process counters: a number per key, for the life of the process. */
import type { Counters } from '../ports.ts';
import type { MemoryHub } from './hub.ts';

export class MemoryCounters implements Counters {
  constructor(private readonly hub: MemoryHub) {}

  async next(key: string): Promise<number> {
    const value = (this.hub.counters.get(key) ?? 0) + 1;
    this.hub.counters.set(key, value);
    return value;
  }
}
