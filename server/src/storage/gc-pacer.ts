/**
 * Paces garbage collection while an embedded database is open. JSC sizes the young generation by the
 * heap size it believes it has, and it counts WebAssembly memory twice (measured: a 128 MB
 * `WebAssembly.Memory` shows as 256 MB of extra memory in `heapStats()`). PGlite's 128 MB heap thus
 * counts as 256 MB, and the collector lets short-lived objects — ~30 KB per PGlite statement, the
 * frames and requests of a full lecture hall — pile up by 60–115 MB before it runs. A young-generation
 * collection every 100 ms keeps them in step: it costs ~0.1 ms when there is nothing to collect and a
 * few milliseconds under load; the 5,000-student benchmark's peak fell from 279–347 MB to 224–236 MB,
 * latencies within target (README "Performance", decision 0007). The collection is armed by work (the
 * server touches the pacer on each request and WebSocket frame), so the pacer does not wake a quiet
 * server ten times a second for nothing.
 *
 * The same miscount delays full collections: what a young collection finds alive (requests and
 * statements in flight at that instant) is old from then on, and JSC waits for the old generation to
 * grow by a share of the heap it believes it has — WebAssembly memory included — before it looks
 * again. A lecture hall's 5,000 joins left ~30 MB of such dead objects. So a paced collection is a
 * full one when resident memory has grown by FULL_GROWTH_BYTES since the last full one, at most one
 * per FULL_MIN_GAP_MS: a full collection holds the thread ~20 ms at 5,000 students, and the benchmark
 * runs about six (decision 0009).
 */
import { edenGC, fullGC } from 'bun:jsc';

export const PACE_MS = 100;
/** Resident growth since the last full collection that makes the next paced collection a full one. */
export const FULL_GROWTH_BYTES = 8 * 1024 * 1024;
/** The least time between two full collections. */
export const FULL_MIN_GAP_MS = 1000;

/** When and how to collect everything instead of the young generation (tests give their own). */
export interface FullCollections {
  collect(): void;
  /** Resident memory now, in bytes. */
  resident(): number;
  /** A monotonic clock, in ms. */
  now(): number;
  growthBytes: number;
  minGapMs: number;
}

const processFullCollections: FullCollections = {
  collect: fullGC,
  resident: () => process.memoryUsage.rss(),
  now: () => performance.now(),
  growthBytes: FULL_GROWTH_BYTES,
  minGapMs: FULL_MIN_GAP_MS,
};

export class GcPacer {
  private holders = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedCount = 0;
  private fullCount = 0;
  /** Resident memory after the last full collection (or when the pacer was first held), or lower since. */
  private floor = Number.POSITIVE_INFINITY;
  private lastFull = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly collect: () => void = edenGC,
    private readonly everyMs = PACE_MS,
    private readonly full: FullCollections | null = processFullCollections,
  ) {}

  /** Holds the pacer (it paces while anyone holds it); returns the release, safe to call twice. */
  hold(): () => void {
    if (this.holders === 0 && this.full) this.floor = this.full.resident();
    this.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      if (this.holders === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  /**
   * Work arrived (a request, a WebSocket frame): a collection follows within the interval unless one
   * is already due. Under load that is one every interval, as before; with no requests and no frames
   * the pacer never wakes the process (the deadline sweeper's small statement every 200 ms does not
   * arm it: its garbage is left to JSC's own collector).
   */
  touch(): void {
    if (this.holders === 0 || this.timer) return;
    this.armedCount += 1;
    this.timer = setTimeout(this.fire, this.everyMs);
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = null;
    const full = this.full;
    if (full) {
      const resident = full.resident();
      this.floor = Math.min(this.floor, resident);
      const now = full.now();
      if (resident - this.floor >= full.growthBytes && now - this.lastFull >= full.minGapMs) {
        full.collect();
        this.fullCount += 1;
        this.lastFull = now;
        this.floor = full.resident();
        return;
      }
    }
    this.collect();
  };

  get held(): number {
    return this.holders;
  }

  /** How many collections work has armed so far (for tests and metrics). */
  get armed(): number {
    return this.armedCount;
  }

  /** How many of them were full collections. */
  get fulls(): number {
    return this.fullCount;
  }

  /** A collection is due (work arrived since the last one). */
  get pending(): boolean {
    return this.timer !== null;
  }
}

/** The process's pacer: every open embedded database holds it; the server touches it on work. */
export const gcPacer = new GcPacer();
