/**
 * Ordering rules for incoming frames, kept apart from the socket so they can be tested alone:
 * - `seq` counts this connection's frames; a jump means a frame was lost, so the caller asks for a
 *   snapshot (the server sends whole state, never replayed deltas).
 * - `version` is the session-wide, cluster-wide state version; a state event below the version already
 *   applied is stale (it raced a newer snapshot or came through a slower node) and is dropped. Equal
 *   versions apply: several frames describe one change, and results frames carry the version of the
 *   state they belong to (docs/protocol.md, "Sequence numbers and versions").
 *   A snapshot always applies: it is the whole truth at its version.
 */
import type { ServerMessage } from '@handsup/protocol';

export type Verdict = 'apply' | 'stale' | 'duplicate';

export class StreamGuard {
  #lastSeq: number | null = null;
  #version: number | null = null;
  #gapPending = false;

  /** Forget the per-connection sequence (a new connection starts its own count); keep the version. */
  resetConnection(): void {
    this.#lastSeq = null;
    this.#gapPending = false;
  }

  get version(): number | null {
    return this.#version;
  }

  /**
   * Judges one frame. `gap` is true the first time a sequence gap is seen; it stays quiet until a
   * snapshot arrives, so a burst of frames after one loss asks for one snapshot, not one per frame.
   */
  accept(msg: ServerMessage): { verdict: Verdict; gap: boolean } {
    let gap = false;
    if (this.#lastSeq !== null) {
      if (msg.seq <= this.#lastSeq) return { verdict: 'duplicate', gap: false };
      if (msg.seq > this.#lastSeq + 1 && !this.#gapPending) {
        gap = true;
        this.#gapPending = true;
      }
    }
    this.#lastSeq = msg.seq;
    if (msg.type === 'session.snapshot') {
      this.#version = msg.version;
      this.#gapPending = false;
      return { verdict: 'apply', gap };
    }
    if ('version' in msg) {
      if (this.#version !== null && msg.version < this.#version) return { verdict: 'stale', gap };
      this.#version = msg.version;
    }
    return { verdict: 'apply', gap };
  }
}
