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
 */
import { edenGC } from 'bun:jsc';

export const PACE_MS = 100;

export class GcPacer {
  private holders = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private armedCount = 0;

  constructor(
    private readonly collect: () => void = edenGC,
    private readonly everyMs = PACE_MS,
  ) {}

  /** Holds the pacer (it paces while anyone holds it); returns the release, safe to call twice. */
  hold(): () => void {
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
    this.collect();
  };

  get held(): number {
    return this.holders;
  }

  /** How many collections work has armed so far (for tests and metrics). */
  get armed(): number {
    return this.armedCount;
  }

  /** A collection is due (work arrived since the last one). */
  get pending(): boolean {
    return this.timer !== null;
  }
}

/** The process's pacer: every open embedded database holds it; the server touches it on work. */
export const gcPacer = new GcPacer();
