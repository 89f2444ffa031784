/**
 * Runs a broadcast at most once per interval however often it is asked for, always with the latest
 * state (the broadcast reads it when it runs). The next run is at max(start + interval, end + interval/2)
 * of the previous one: measured from its END as well, so a broadcast that takes longer than the
 * interval (a huge room) cannot make runs pile up back to back.
 *
 * @example const c = new Coalescer(100, () => sendResults()); c.request(); c.request(); // one run
 */
export class Coalescer {
  private lastStart = Number.NEGATIVE_INFINITY;
  private lastEnd = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => void | Promise<void>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Asks for a run; it happens as soon as the interval rules allow. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const due = Math.max(this.lastStart + this.intervalMs, this.lastEnd + this.intervalMs / 2);
    const wait = Math.max(0, due - this.now());
    this.timer = setTimeout(() => void this.fire(), wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async fire(): Promise<void> {
    this.timer = null;
    this.running = true;
    this.lastStart = this.now();
    try {
      await this.run();
    } catch (e) {
      console.error('coalesced broadcast failed', e);
    } finally {
      this.lastEnd = this.now();
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }
}
