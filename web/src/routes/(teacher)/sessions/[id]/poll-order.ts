/**
 * Reordering a session's polls: optimistic on screen, saved one after another in the order the moves
 * were made (lib/api/ordered-saves.ts), and settled by the newest move only:
 * - saved: the server's answer is the list;
 * - refused: the list goes back to what the server holds, read again — not to the list before the
 *   move, which may carry an earlier move the server refused too (two quick keyboard moves, both
 *   refused, would otherwise leave the first one on screen until a reload);
 * - refused, and the server cannot be read either: the list before the move, the best guess left.
 * An older move's answer never replaces a newer move's list.
 */
import { OrderedSaves } from '#lib/api/ordered-saves.ts';

export interface ReorderIo<P> {
  /** Saves the order (every poll's id, first to last); answers the server's list. */
  save(ids: string[]): Promise<P[]>;
  /** The server's list as it is now. */
  reload(): Promise<P[]>;
}

export interface Move<P> {
  /** The list to show at once. */
  next: P[];
  /** The moved poll. */
  item: P;
  /**
   * Settles once the server answered: `polls` is the list to show then (null: leave the screen to a
   * newer move), `error` why the move was refused.
   */
  settled: Promise<{ polls: P[] | null; error?: unknown }>;
}

export class PollOrder<P extends { id: string }> {
  readonly #saves = new OrderedSaves();

  constructor(private readonly io: ReorderIo<P>) {}

  /** Moves the item at `from` to index `to` of `list`; null when that is no move at all. */
  move(list: P[], from: number, to: number): Move<P> | null {
    if (from === to || to < 0 || to >= list.length || from < 0 || from >= list.length) return null;
    const next = [...list];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    const ids = next.map((p) => p.id);
    const save = this.#saves.run(() => this.io.save(ids));
    const settled = save.done.then(
      (saved) => ({ polls: save.newest() ? saved : null }),
      async (error: unknown) => {
        if (!save.newest()) return { polls: null, error };
        try {
          const current = await this.io.reload();
          return { polls: save.newest() ? current : null, error };
        } catch {
          return { polls: save.newest() ? list : null, error };
        }
      },
    );
    return { next, item, settled };
  }
}
