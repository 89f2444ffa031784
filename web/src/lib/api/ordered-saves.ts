/**
 * Saves that must reach the server in the order they were made — a teacher moving a poll down and
 * straight back up with the keyboard makes two reorders within milliseconds. Sent at once, they race
 * (in the cluster shape they may even reach different nodes), the server can end with the first
 * order while the screen shows the second, and the first's answer, arriving last, puts a stale order
 * back on screen. So each save starts only once the one before it has settled (failed or not), and
 * only the newest save's answer is applied.
 */
export interface OrderedSave<T> {
  /** The save's result (or its error). */
  done: Promise<T>;
  /** Whether no save was queued after this one: only then is its answer (or its failure) shown. */
  newest(): boolean;
}

export class OrderedSaves {
  #chain: Promise<unknown> = Promise.resolve();
  #count = 0;

  run<T>(save: () => Promise<T>): OrderedSave<T> {
    const ticket = ++this.#count;
    const done = this.#chain.then(save);
    this.#chain = done.catch(() => undefined);
    return { done, newest: () => ticket === this.#count };
  }
}
