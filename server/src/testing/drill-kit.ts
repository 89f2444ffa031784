/**
 * Clients for the failure drills (drills.test.ts): a student that behaves like the real one (joins by
 * code, hello → snapshot, reconnects with backoff, re-sends an unacknowledged vote with the same
 * clientMsgId) and a teacher's REST calls through the load balancer. The cuttable TCP proxy the drills
 * fault PostgreSQL with is tcp-proxy.ts.
 */
import { PROTOCOL_VERSION } from '@handsup/protocol';
import { eventually } from './eventually.ts';
import { uniqueName } from './services.ts';

// ---- the teacher over REST ------------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
export type Json = any;

export class Teacher {
  private constructor(
    readonly base: string,
    readonly token: string,
    readonly sessionId: string,
    readonly joinCode: string,
  ) {}

  static async signUp(base: string): Promise<Teacher> {
    const anon = new Teacher(base, '', '', '');
    const { accessToken } = await anon.call('POST', '/api/auth/sign-up', {
      email: `${uniqueName('teacher')}@example.edu`,
      password: 'blue-harbour-kettle-42',
    });
    const t = new Teacher(base, accessToken, '', '');
    const session = await t.call('POST', '/api/sessions', { title: 'Drill' });
    await t.call('POST', `/api/sessions/${session.id}/start`, {});
    return new Teacher(base, accessToken, session.id, session.joinCode);
  }

  async call(method: string, path: string, body?: unknown): Promise<Json> {
    const headers: Record<string, string> = { origin: this.base };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // Through the balancer a request may meet a node that is going down: retry what is retryable.
    for (let attempt = 0; ; attempt++) {
      const r = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).catch((e: Error) => e);
      if (r instanceof Error || r.status === 502 || r.status === 503) {
        if (attempt < 20) {
          await Bun.sleep(250);
          continue;
        }
        throw new Error(`${method} ${path}: ${r instanceof Error ? r.message : r.status}`);
      }
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    }
  }

  /** A single-choice poll with options a, b, c (results visible live). */
  async choicePoll(prompt = 'Pick one'): Promise<string> {
    const poll = await this.call('POST', `/api/sessions/${this.sessionId}/polls`, {
      prompt,
      content: {
        type: 'single_choice',
        options: [
          { id: 'a', text: 'A' },
          { id: 'b', text: 'B' },
          { id: 'c', text: 'C' },
        ],
      },
    });
    return poll.id;
  }

  open(pollId: string, timerSeconds?: number): Promise<Json> {
    return this.call('POST', `/api/polls/${pollId}/open`, timerSeconds ? { timerSeconds } : {});
  }

  close(pollId: string): Promise<Json> {
    return this.call('POST', `/api/polls/${pollId}/close`, {});
  }
}

// ---- a student ------------------------------------------------------------------------------------

/** Codes after which a student sends the same vote again (same clientMsgId). */
export const RETRYABLE = new Set(['unavailable', 'server_shutting_down', 'internal', 'rate_limited']);

type Pending = {
  msg: { type: 'vote.cast'; pollId: string; value: Json; clientMsgId: string };
  resolve: (r: { ok: true } | { ok: false; code: string }) => void;
};

export class Student {
  ws: WebSocket | null = null;
  participantId = '';
  private token = '';
  ready = false;
  stopped = false;
  /** Snapshots received (1 = connected once; more = it reconnected). */
  snapshots = 0;
  closeCodes: number[] = [];
  version = 0;
  connectionIds: string[] = [];
  opened = new Map<string, Json>();
  closed = new Map<string, Json>();
  /** Latest results seen per poll (from snapshot, results.updated, poll.closed). */
  results = new Map<string, Json>();
  /** clientMsgId → what the server acknowledged. */
  acked = new Map<string, { pollId: string; value: Json }>();
  /** Every retryable refusal seen (code), e.g. `unavailable` while PostgreSQL is down. */
  retryable: string[] = [];
  private pending: Pending | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly base: string,
    readonly wsUrl: string,
    readonly sessionId: string,
    readonly name: string,
  ) {}

  async join(joinCode: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const r = await fetch(`${this.base}/api/join/${joinCode}`, {
        method: 'POST',
        headers: { origin: this.base, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: this.name }),
      });
      if (r.ok) {
        const j = await r.json();
        this.token = j.participantToken;
        this.participantId = j.participantId ?? '';
        return;
      }
      if (attempt > 10 || (r.status !== 429 && r.status < 500))
        throw new Error(`join: ${r.status} ${await r.text()}`);
      await Bun.sleep(200);
    }
  }

  /** Opens the socket; resolves at the first snapshot (later reconnects happen by themselves). */
  async connect(timeoutMs = 10_000): Promise<void> {
    this.open();
    await eventually(() => this.ready, timeoutMs, `${this.name}: first snapshot`).catch((e: Error) => {
      throw new Error(`${e.message} (closes: ${this.closeCodes.join(', ') || 'none'})`);
    });
  }

  private open(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.wsUrl);
    this.ws = ws;
    ws.onopen = () =>
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          token: this.token,
          sessionId: this.sessionId,
          lastVersion: this.version || undefined,
        }),
      );
    ws.onmessage = (e) => this.onMessage(JSON.parse(String(e.data)));
    ws.onerror = () => {};
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ready = false;
      this.closeCodes.push(e.code);
      if (this.stopped || (e.code >= 4500 && e.code < 5000)) return;
      // Jittered exponential backoff, as the real client does.
      const delay = Math.min(2000, 100 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      setTimeout(() => this.open(), delay);
    };
  }

  private keepResults(pollId: string, version: number, results: Json) {
    if (!results) return;
    const cur = this.results.get(pollId);
    if (!cur || version >= cur.version) this.results.set(pollId, { version, results });
  }

  private onMessage(m: Json): void {
    if (typeof m.version === 'number') {
      if (m.version < this.version) return; // older state from another node
      this.version = m.version;
    }
    switch (m.type) {
      case 'welcome':
        this.connectionIds.push(m.connectionId);
        if (m.participantId) this.participantId = m.participantId;
        break;
      case 'session.snapshot': {
        this.snapshots++;
        this.ready = true;
        this.attempt = 0;
        const shown = m.openPoll ?? m.closedPoll;
        if (m.openPoll) this.opened.set(m.openPoll.id, m.openPoll);
        if (shown && m.results) this.keepResults(shown.id, m.version, m.results);
        if (this.pending) this.ws?.send(JSON.stringify(this.pending.msg));
        break;
      }
      case 'poll.opened':
        this.opened.set(m.poll.id, m);
        break;
      case 'poll.closed':
        this.closed.set(m.pollId, m);
        this.keepResults(m.pollId, m.version, m.results);
        break;
      case 'results.updated':
        this.keepResults(m.pollId, m.version, m.results);
        break;
      case 'vote.accepted': {
        const p = this.pending;
        if (p && p.msg.clientMsgId === m.clientMsgId) {
          this.acked.set(m.clientMsgId, { pollId: m.pollId, value: m.value });
          this.pending = null;
          p.resolve({ ok: true });
        }
        break;
      }
      case 'vote.rejected':
      case 'error': {
        const p = this.pending;
        if (!p || p.msg.clientMsgId !== m.clientMsgId) break;
        if (RETRYABLE.has(m.code)) {
          this.retryable.push(m.code);
          const wait = m.retryAfterS ? m.retryAfterS * 1000 : 300;
          if (this.retryTimer) clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            if (this.pending === p && this.ready) this.ws?.send(JSON.stringify(p.msg));
          }, wait);
        } else {
          this.pending = null;
          p.resolve({ ok: false, code: m.code });
        }
        break;
      }
    }
  }

  /** Casts a vote and keeps at it (across reconnects) until it is acknowledged or refused for good. */
  vote(pollId: string, optionId: string): Promise<{ ok: true } | { ok: false; code: string }> {
    if (this.pending) throw new Error(`${this.name} already has a vote in flight`);
    return new Promise((resolve) => {
      this.pending = {
        msg: {
          type: 'vote.cast',
          pollId,
          value: { type: 'single_choice', optionId },
          clientMsgId: crypto.randomUUID(),
        },
        resolve,
      };
      if (this.ready) this.ws?.send(JSON.stringify(this.pending.msg));
    });
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** `total` of the latest results this student saw for the poll. */
  total(pollId: string): number | undefined {
    return this.results.get(pollId)?.results?.total;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'done');
  }
}

/** `n` students joined by code and connected through `base` (the load balancer). */
export async function classOf(base: string, wsUrl: string, teacher: Teacher, n: number): Promise<Student[]> {
  const students = Array.from(
    { length: n },
    (_, i) => new Student(base, wsUrl, teacher.sessionId, `Student ${i + 1}`),
  );
  for (const s of students) await s.join(teacher.joinCode);
  await Promise.all(students.map((s) => s.connect()));
  return students;
}
