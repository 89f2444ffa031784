/**
 * Guest participants are written in groups: when a whole lecture hall joins within seconds, the joins
 * that arrive in the same turn of the event loop, or while one INSERT is running, go into one INSERT
 * together. The write starts on the next turn (setImmediate, no timer), so a lone join waits for no
 * one: on the embedded database a join otherwise runs start to finish inside its own turn, and a
 * hundred joins arriving together were a hundred INSERTs, one commit each, queued one after another.
 * Each caller's promise settles after its row committed;
 * a group that fails is retried one row at a time, so one bad row (its session deleted meanwhile)
 * fails only its own join.
 */
import type { Database } from '../../storage/database.ts';

type Pending = {
  sessionId: string;
  name: string;
  tokenHash: string;
  resolve: (id: string) => void;
  reject: (e: unknown) => void;
};

/** Rows per INSERT (3 parameters each, well under PostgreSQL's 65,535). */
const MAX_GROUP = 500;

export class ParticipantInserts {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly database: Pick<Database, 'query'>) {}

  /** Inserts one participant; resolves with its id once committed. */
  insert(sessionId: string, name: string, tokenHash: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ sessionId, name, tokenHash, resolve, reject });
      if (!this.running && this.queue.length === 1) setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, MAX_GROUP);
        try {
          await this.write(group);
        } catch {
          for (const p of group) await this.write([p]).catch(p.reject);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async write(group: Pending[]): Promise<void> {
    const params: string[] = [];
    const values = group.map((p) => {
      params.push(p.sessionId, p.name, p.tokenHash);
      const b = params.length - 3;
      return `($${b + 1}::uuid, $${b + 2}, $${b + 3})`;
    });
    const rows = await this.database.query<{ id: string; token_hash: string }>(
      `INSERT INTO participants (session_id, display_name, token_hash) VALUES ${values.join(', ')}
       RETURNING id, token_hash`,
      params,
    );
    const ids = new Map(rows.map((r) => [r.token_hash, r.id]));
    for (const p of group) {
      const id = ids.get(p.tokenHash);
      if (id) p.resolve(id);
      else p.reject(new Error('participant row missing from INSERT … RETURNING'));
    }
  }
}
