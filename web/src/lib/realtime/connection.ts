/**
 * The one realtime connection of a page (pages never open sockets). It says hello with the token,
 * keeps the session's state stream honest (stale versions dropped, sequence gaps healed by a snapshot),
 * reconnects with jittered exponential backoff, falls back to SSE + POST when WebSockets keep failing,
 * keeps the server clock, and owns the outbox so an answer given offline is delivered exactly once.
 *
 * Plain TypeScript with injected timers and transports, so its behaviour is tested without a browser;
 * `live-connection.svelte.ts` wraps it in runes for the pages.
 *
 * @example
 *   const conn = new Connection({ sessionId, getToken: () => token, transports: browserTransports() });
 *   conn.onMessage((m) => state.apply(m));
 *   conn.start();
 *   conn.vote(pollId, { type: 'true_false', value: true });
 */
import {
  type AnswerValue,
  type ClientMessage,
  PROTOCOL_VERSION,
  parseServerMessage,
  type ServerMessage,
  shouldReconnect,
} from '@handsup/protocol';
import { backoffDelay } from './backoff.ts';
import { type KeyValueStore, Outbox } from './outbox.ts';
import { ServerClock } from './server-clock.ts';
import { StreamGuard } from './stream-guard.ts';
import type { Transport, TransportFactory } from './transport.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'offline';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ConnectionOptions {
  sessionId: string;
  /** Called on every (re)connect, so a refreshed access token is used. */
  getToken(): string | Promise<string>;
  transports: { websocket: TransportFactory; sse?: TransportFactory };
  outboxStore?: KeyValueStore | null;
  random?: () => number;
  now?: () => number;
  timers?: Timers;
  newId?: () => string;
  /** Consecutive WebSocket attempts that never got a welcome before trying SSE (default 3). */
  fallbackAfter?: number;
  /** Ping period; a connection silent for 2.5 periods is treated as dead (default 15 s). */
  pingMs?: number;
}

/** Why the connection stopped for good (terminal close code, or `stop()`). */
export interface StopReason {
  code: number;
  message: string;
}

export class Connection {
  readonly clock = new ServerClock();
  readonly outbox: Outbox;
  status: ConnectionStatus = 'connecting';
  transportKind: 'websocket' | 'sse' = 'websocket';
  participantId: string | null = null;
  stopped: StopReason | null = null;

  #o: Required<Omit<ConnectionOptions, 'outboxStore'>>;
  #guard = new StreamGuard();
  #transport: Transport | null = null;
  #connectionNo = 0;
  #welcomed = false;
  #attempt = 0;
  #wsFailures = 0;
  #sseFailures = 0;
  #retryTimer: unknown = null;
  #pingTimer: unknown = null;
  #lastFrameAt = 0;
  #messageListeners = new Set<(m: ServerMessage) => void>();
  #statusListeners = new Set<(s: ConnectionStatus) => void>();

  constructor(options: ConnectionOptions) {
    this.#o = {
      random: Math.random,
      now: Date.now,
      timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as number) },
      newId: () => crypto.randomUUID(),
      fallbackAfter: 3,
      pingMs: 15_000,
      ...options,
    };
    this.outbox = new Outbox(options.outboxStore ?? null, `handsup.outbox.${options.sessionId}`);
  }

  onMessage(fn: (m: ServerMessage) => void): () => void {
    this.#messageListeners.add(fn);
    return () => this.#messageListeners.delete(fn);
  }

  onStatus(fn: (s: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(fn);
    return () => this.#statusListeners.delete(fn);
  }

  start(): void {
    this.stopped = null;
    if (!this.#transport && this.#retryTimer === null) void this.#connect();
  }

  stop(reason: StopReason = { code: 1000, message: 'closed by the page' }): void {
    this.stopped = reason;
    this.#clearTimers();
    const t = this.#transport;
    this.#transport = null;
    t?.close(1000, 'bye');
  }

  /** The network came back (or the tab woke up): retry now rather than at the end of the backoff. */
  nudge(): void {
    if (this.stopped || this.#transport) return;
    this.#clearTimers();
    this.#attempt = 0;
    void this.#connect();
  }

  /** The browser says it is offline: show it, and retry when `nudge()` says it is back. */
  markOffline(): void {
    if (!this.stopped && this.status !== 'open') this.#setStatus('offline');
  }

  /** Gives an answer; it is delivered exactly once, now or after the next reconnect. Returns its id. */
  vote(pollId: string, value: AnswerValue): string {
    const clientMsgId = this.#o.newId();
    this.outbox.add(pollId, value, clientMsgId);
    this.#flushOutbox();
    return clientMsgId;
  }

  /** Sends a command now; false when not connected (commands are not buffered: the teacher retries). */
  send(message: ClientMessage): boolean {
    if (!this.#transport || !this.#welcomed) return false;
    this.#transport.send(JSON.stringify(message));
    return true;
  }

  requestSnapshot(): boolean {
    return this.send({ type: 'snapshot.request' });
  }

  /** Hands a renewed token to the server before the old one expires (the socket outlives it). */
  renewToken(token: string): boolean {
    return this.send({ type: 'token.renew', token });
  }

  async #connect(): Promise<void> {
    this.#retryTimer = null;
    const useSse = this.#o.transports.sse && this.#wsFailures >= this.#o.fallbackAfter;
    const factory = useSse ? this.#o.transports.sse! : this.#o.transports.websocket;
    const no = ++this.#connectionNo;
    this.#welcomed = false;
    this.#guard.resetConnection();
    let token: string;
    try {
      token = await this.#o.getToken();
    } catch {
      return this.#scheduleRetry();
    }
    if (this.stopped || no !== this.#connectionNo) return;
    const transport = factory({
      onOpen: () => {
        if (this.#transport !== transport) return;
        const lastVersion = this.#guard.version;
        transport.send(
          JSON.stringify({
            type: 'hello',
            protocolVersion: PROTOCOL_VERSION,
            token,
            sessionId: this.#o.sessionId,
            ...(lastVersion !== null ? { lastVersion } : {}),
          } satisfies ClientMessage),
        );
      },
      onMessage: (text) => {
        if (this.#transport === transport) this.#receive(text);
      },
      onClose: (code, reason) => {
        if (this.#transport !== transport) return;
        this.#transport = null;
        this.#afterClose(code, reason);
      },
    });
    this.#transport = transport;
    this.transportKind = transport.kind;
  }

  #receive(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) {
      console.warn('handsup: dropped an invalid server frame', parsed.error.message);
      return;
    }
    const msg = parsed.message;
    const localNow = this.#o.now();
    this.#lastFrameAt = localNow;
    const { verdict, gap } = this.#guard.accept(msg);
    if (gap) this.requestSnapshot();
    if (verdict !== 'apply') return;
    if (msg.type === 'pong') {
      this.clock.sample(msg.now, localNow, msg.t !== undefined ? localNow - msg.t : undefined);
    } else if ('now' in msg) {
      this.clock.sample(msg.now, localNow);
    }
    if (msg.type === 'welcome') this.#onWelcome(msg.participantId ?? null);
    if (msg.type === 'vote.accepted' || msg.type === 'vote.rejected') this.outbox.settle(msg.clientMsgId);
    for (const fn of this.#messageListeners) fn(msg);
  }

  #onWelcome(participantId: string | null): void {
    this.#welcomed = true;
    this.#attempt = 0;
    // Once on SSE, stay there for the page's life: the proxy that broke WebSockets is still there.
    if (this.transportKind === 'websocket') this.#wsFailures = 0;
    this.#sseFailures = 0;
    this.participantId = participantId;
    this.#setStatus('open');
    this.#flushOutbox();
    this.#schedulePing();
  }

  #flushOutbox(): void {
    if (!this.#transport || !this.#welcomed) return;
    for (const v of this.outbox.takeUnsent(this.#connectionNo)) {
      this.#transport.send(
        JSON.stringify({ type: 'vote.cast', pollId: v.pollId, value: v.value, clientMsgId: v.clientMsgId }),
      );
    }
  }

  #schedulePing(): void {
    const period = this.#o.pingMs;
    this.#pingTimer = this.#o.timers.setTimeout(() => {
      this.#pingTimer = null;
      if (!this.#transport || !this.#welcomed) return;
      if (this.#o.now() - this.#lastFrameAt > period * 2.5) {
        // Silent for too long: the path is dead even if the socket has not noticed (e.g. a NAT drop).
        this.#transport.close(4000, 'no answer from server');
        return;
      }
      this.send({ type: 'ping', t: this.#o.now() });
      this.#schedulePing();
    }, period);
  }

  #afterClose(code: number, reason: string): void {
    this.#clearTimers();
    if (this.stopped) return;
    if (!this.#welcomed && this.transportKind === 'websocket') this.#wsFailures++;
    if (!this.#welcomed && this.transportKind === 'sse' && ++this.#sseFailures >= this.#o.fallbackAfter) {
      // SSE fails as well: the network is down rather than WebSocket-hostile, so try WebSockets again.
      this.#wsFailures = 0;
      this.#sseFailures = 0;
    }
    this.#welcomed = false;
    if (code >= 4000 && !shouldReconnect(code)) {
      this.stopped = { code, message: reason };
      this.#setStatus('offline');
      return;
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.stopped) return;
    if (this.status !== 'offline') this.#setStatus('reconnecting');
    const delay = backoffDelay(this.#attempt++, this.#o.random);
    this.#retryTimer = this.#o.timers.setTimeout(() => void this.#connect(), delay);
  }

  #clearTimers(): void {
    if (this.#retryTimer !== null) this.#o.timers.clearTimeout(this.#retryTimer);
    if (this.#pingTimer !== null) this.#o.timers.clearTimeout(this.#pingTimer);
    this.#retryTimer = null;
    this.#pingTimer = null;
  }

  #setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const fn of this.#statusListeners) fn(s);
  }
}
