/**
 * The server clock is the only clock: a phone whose clock is minutes off must still count down to the
 * server's deadline. Every frame with a `now` gives a sample of (server time − local time); pongs also
 * carry our send time, so their samples are corrected by half the round trip. The sample with the
 * smallest uncertainty wins (a late frame only makes the server look earlier than it is).
 *
 * @example
 *   clock.sample(frame.now, Date.now());
 *   const msLeft = closesAt - clock.serverNow(Date.now());
 */
export class ServerClock {
  #offset = 0;
  #uncertainty = Number.POSITIVE_INFINITY;
  #known = false;

  /** `serverNow` as received at local time `localNow`; `rttMs` when the sample's round trip is known. */
  sample(serverNow: number, localNow: number, rttMs?: number): void {
    const uncertainty = rttMs === undefined ? 1_000 : rttMs / 2;
    const offset = serverNow - localNow + (rttMs === undefined ? 0 : rttMs / 2);
    // Prefer precise samples, but let a fresh one win once the old one is clearly stale (a clock that
    // jumped, e.g. the phone synced its time while the page was open).
    if (!this.#known || uncertainty <= this.#uncertainty || Math.abs(offset - this.#offset) > 5_000) {
      this.#offset = offset;
      this.#uncertainty = uncertainty;
      this.#known = true;
    }
  }

  /** Milliseconds to add to the local clock to get the server's. */
  get offsetMs(): number {
    return this.#offset;
  }

  get known(): boolean {
    return this.#known;
  }

  serverNow(localNow: number): number {
    return localNow + this.#offset;
  }

  /** Time left until a server-clock deadline, never negative. */
  msUntil(deadline: number, localNow: number): number {
    return Math.max(0, deadline - this.serverNow(localNow));
  }
}
