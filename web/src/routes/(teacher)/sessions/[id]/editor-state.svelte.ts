/**
 * The session editor's data and actions: the session, its polls in order, the poll being edited, and
 * save / duplicate / delete-with-undo / reorder. Reordering is optimistic (the list moves at once);
 * reorders reach the server one after another, in the order they were made, and only the newest
 * one's answer is applied — a refusal puts back the server's order (poll-order.ts).
 */
import {
  ApiError,
  createPoll,
  deletePoll,
  duplicatePoll,
  getSession,
  listPolls,
  type PollView,
  reorderPolls,
  restorePoll,
  type SessionView,
  updatePoll,
  updateSession,
} from '#lib/api/index.ts';
import { PollOrder } from './poll-order.ts';
import { draftFromPoll, newDraft, type PollDraft, toCreate, toUpdate } from './poll-draft.ts';

export class EditorState {
  session: SessionView | null = $state(null);
  polls: PollView[] = $state([]);
  /** Id of the poll in the editor; 'new' for one not saved yet; null when the editor is closed. */
  editing: string | 'new' | null = $state(null);
  draft: PollDraft = $state(newDraft());
  error = $state('');
  notice = $state('');
  undo: { label: string; run: () => Promise<void> } | null = $state(null);
  saving = $state(false);
  readonly #order = new PollOrder<PollView>({
    save: (ids) => reorderPolls(this.sessionId, ids),
    reload: () => listPolls(this.sessionId),
  });

  constructor(readonly sessionId: string) {}

  async load(): Promise<void> {
    await this.#act(async () => {
      const [s, p] = await Promise.all([getSession(this.sessionId), listPolls(this.sessionId)]);
      this.session = s;
      this.polls = p;
    });
  }

  startNew(): void {
    this.editing = 'new';
    this.draft = newDraft();
  }

  edit(p: PollView): void {
    this.editing = p.id;
    this.draft = draftFromPoll(p);
  }

  close(): void {
    this.editing = null;
  }

  async save(): Promise<boolean> {
    if (!this.draft.prompt.trim()) {
      this.error = 'Write the question first.';
      return false;
    }
    this.saving = true;
    const ok = await this.#act(async () => {
      if (this.editing === 'new') {
        const p = await createPoll(this.sessionId, toCreate(this.draft));
        this.polls = [...this.polls, p];
        this.editing = p.id;
        this.notice = 'Poll added.';
      } else if (this.editing) {
        const original = this.polls.find((x) => x.id === this.editing)!;
        const p = await updatePoll(original.id, toUpdate(this.draft, original));
        this.polls = this.polls.map((x) => (x.id === p.id ? p : x));
        this.notice = 'Poll saved.';
      }
      return true;
    });
    this.saving = false;
    return ok === true;
  }

  duplicate(p: PollView) {
    return this.#act(async () => {
      await duplicatePoll(p.id);
      this.polls = await listPolls(this.sessionId);
      this.notice = 'Poll duplicated.';
    });
  }

  remove(p: PollView) {
    return this.#act(async () => {
      const order = this.polls.map((x) => x.id);
      await deletePoll(p.id);
      this.polls = this.polls.filter((x) => x.id !== p.id);
      if (this.editing === p.id) this.editing = null;
      this.notice = `Poll “${p.prompt.slice(0, 60)}” deleted.`;
      this.undo = {
        label: 'Undo delete',
        run: async () => {
          await this.#act(async () => {
            await restorePoll(p.id);
            // Restore appends at the end; put it back where it was.
            this.polls = await reorderPolls(this.sessionId, order);
            this.notice = 'Poll restored.';
            this.undo = null;
          });
        },
      };
    });
  }

  /** Moves a poll to `to` (an index in the list), for drag and drop and for the keyboard. */
  async move(from: number, to: number): Promise<void> {
    const m = this.#order.move(this.polls, from, to);
    if (!m) return;
    this.polls = m.next;
    this.error = '';
    this.notice = `Moved “${m.item.prompt.slice(0, 60)}” to position ${to + 1} of ${m.next.length}.`;
    const { polls, error } = await m.settled;
    if (!polls) return; // a newer move settles the screen
    this.polls = polls;
    if (error !== undefined) this.error = messageOf(error);
  }

  setAnonymity(anonymity: 'anonymous' | 'teacher_only' | 'names_shown') {
    return this.#act(async () => {
      this.session = await updateSession(this.sessionId, { settings: { anonymity } });
      this.notice = 'Anonymity saved.';
    });
  }

  async #act<T>(fn: () => Promise<T>): Promise<T | null> {
    this.error = '';
    try {
      return await fn();
    } catch (e) {
      this.error = messageOf(e);
      return null;
    }
  }
}

const messageOf = (e: unknown): string =>
  e instanceof ApiError ? e.message : 'Something went wrong. Try again.';
