/**
 * A live session for a page: the one Connection, its status as a rune, and the reduced LiveState.
 * Pages read `live.state`, `live.status`, `live.now()` and call `live.vote()` / `live.command()`;
 * they never touch the socket. Browser online/offline and tab-visibility events nudge the connection
 * so a phone waking up reconnects at once instead of waiting out its backoff.
 *
 * @example
 *   const live = new LiveSession({ sessionId, getToken: () => token });
 *   onMount(() => live.start());  onDestroy(() => live.stop());
 */
import type { AnswerValue, ClientMessage, ServerMessage } from '@handsup/protocol';
import {
  browserTransports,
  Connection,
  type ConnectionStatus,
  safeSessionStorage,
} from '#lib/realtime/index.ts';
import { answerGiven, initialLiveState, type LiveState, reduce } from './live-state.ts';

export interface LiveSessionOptions {
  sessionId: string;
  getToken(): string | Promise<string>;
  onMessage?(msg: ServerMessage): void;
}

export class LiveSession {
  state: LiveState = $state.raw(initialLiveState);
  status: ConnectionStatus = $state('connecting');
  transport: 'websocket' | 'sse' = $state('websocket');
  /** Local clock ticks (4 per second) so countdowns re-render; read via `now()`. */
  #localNow = $state(Date.now());
  readonly conn: Connection;
  #cleanup: (() => void)[] = [];

  constructor(opts: LiveSessionOptions) {
    this.conn = new Connection({
      sessionId: opts.sessionId,
      getToken: opts.getToken,
      transports: browserTransports(),
      outboxStore: safeSessionStorage(),
    });
    this.#cleanup.push(
      this.conn.onMessage((m) => {
        this.state = reduce(this.state, m);
        if (m.type === 'session.snapshot') this.#restorePending();
        opts.onMessage?.(m);
      }),
      this.conn.onStatus((s) => {
        this.status = s;
        this.transport = this.conn.transportKind;
      }),
    );
  }

  start(): void {
    const online = () => this.conn.nudge();
    const offline = () => this.conn.markOffline();
    const visible = () => {
      if (document.visibilityState === 'visible') this.conn.nudge();
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', visible);
    const timer = setInterval(() => {
      this.#localNow = Date.now();
    }, 250);
    this.#cleanup.push(
      () => window.removeEventListener('online', online),
      () => window.removeEventListener('offline', offline),
      () => document.removeEventListener('visibilitychange', visible),
      () => clearInterval(timer),
    );
    this.conn.start();
  }

  stop(): void {
    this.conn.stop();
    for (const fn of this.#cleanup.splice(0)) fn();
  }

  /** The server's time now (reactive: re-evaluates four times a second). */
  now(): number {
    return this.conn.clock.serverNow(this.#localNow);
  }

  /** Milliseconds left on the open poll, from the server deadline and clock; null without a timer. */
  msLeft(): number | null {
    const at = this.state.closesAt;
    return at === null ? null : Math.max(0, at - this.now());
  }

  vote(value: AnswerValue): void {
    const poll = this.state.poll;
    if (!poll) return;
    const id = this.conn.vote(poll.id, value);
    this.state = answerGiven(this.state, value, id);
  }

  /** A teacher command; false when not connected right now. */
  command(message: ClientMessage): boolean {
    return this.conn.send(message);
  }

  /** After a reload, an answer given offline is still in the outbox: show it as on its way. */
  #restorePending(): void {
    const poll = this.state.poll;
    const pending = poll ? this.conn.outbox.pendingFor(poll.id) : undefined;
    if (pending && this.state.pending?.clientMsgId !== pending.clientMsgId) {
      this.state = answerGiven(this.state, pending.value, pending.clientMsgId);
    }
  }
}
