/**
 * Answers waiting for `vote.accepted`. A student who answers in a tunnel must have that answer counted
 * exactly once: each answer keeps its `clientMsgId` for life (the server treats a repeat as the same
 * vote), and each is written to the wire at most once per connection — once when given (if connected),
 * once more after each reconnect until the server acknowledges it. Only the latest answer per poll is
 * kept: a changed answer supersedes one that never left the phone.
 *
 * Optionally persisted (sessionStorage-like `store`), so an answer survives a reload while offline.
 */
import type { AnswerValue } from '@handsup/protocol';

export interface PendingVote {
  pollId: string;
  value: AnswerValue;
  clientMsgId: string;
  /** Id of the connection this vote was last written to; null when never sent. */
  sentOn: number | null;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class Outbox {
  #pending = new Map<string, PendingVote>();
  #store: KeyValueStore | null;
  #key: string;

  constructor(store: KeyValueStore | null = null, key = 'handsup.outbox') {
    this.#store = store;
    this.#key = key;
    this.#load();
  }

  add(pollId: string, value: AnswerValue, clientMsgId: string): PendingVote {
    const vote: PendingVote = { pollId, value, clientMsgId, sentOn: null };
    this.#pending.set(pollId, vote);
    this.#save();
    return vote;
  }

  /** Votes to write on connection `connectionNo` (each vote at most once per connection). */
  takeUnsent(connectionNo: number): PendingVote[] {
    const out: PendingVote[] = [];
    for (const vote of this.#pending.values()) {
      if (vote.sentOn === connectionNo) continue;
      vote.sentOn = connectionNo;
      out.push(vote);
    }
    if (out.length) this.#save();
    return out;
  }

  /** The server answered (accepted or rejected): the vote is settled. Returns it, if it was pending. */
  settle(clientMsgId: string): PendingVote | undefined {
    for (const [pollId, vote] of this.#pending) {
      if (vote.clientMsgId === clientMsgId) {
        this.#pending.delete(pollId);
        this.#save();
        return vote;
      }
    }
    return undefined;
  }

  pendingFor(pollId: string): PendingVote | undefined {
    return this.#pending.get(pollId);
  }

  get size(): number {
    return this.#pending.size;
  }

  #load(): void {
    const raw = this.#store?.getItem(this.#key);
    if (!raw) return;
    try {
      for (const v of JSON.parse(raw) as PendingVote[]) this.#pending.set(v.pollId, { ...v, sentOn: null });
    } catch {
      this.#store?.removeItem(this.#key);
    }
  }

  #save(): void {
    if (!this.#store) return;
    if (this.#pending.size === 0) this.#store.removeItem(this.#key);
    else this.#store.setItem(this.#key, JSON.stringify([...this.#pending.values()]));
  }
}
