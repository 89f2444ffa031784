/**
 * The protocol conversation of one connection, whatever its transport: `hello` first (authenticate,
 * resolve the role in the session, join the room, `welcome` + `session.snapshot`), then votes,
 * snapshot requests, token renewal, pings and teacher commands. Bad frames get an `error` naming the
 * problem and change nothing; a frame before `hello` closes the connection with `unauthenticated`
 * (4501). Teacher commands are checked against the permission table and the connection's session.
 */
import {
  AppError,
  type ClientMessage,
  type ClientMessageOf,
  type OutgoingMessage,
  PROTOCOL_VERSION,
  parseClientMessage,
  TEACHER_COMMANDS,
  type TeacherCommandType,
} from '@handsup/protocol';
import type { Principal, Role } from '../domain/access/principal.ts';
import type { AppDeps } from '../http/context.ts';
import { enforceLimit } from '../http/rate-limit.ts';
import type { PollAccess, PollAction } from '../modules/polls/access.ts';
import type { PollLifecycle } from '../modules/polls/lifecycle-service.ts';
import { queryOf } from '../modules/polls/sql.ts';
import { type Conn, type ConnState, closeConn, send, sendError, toAppError } from './connection.ts';
import { messagesIn, voteAckSeconds, votesAccepted, votesRejected } from './metrics.ts';
import { authoriseConnection } from './connection-auth.ts';
import type { SessionHub } from './session-hub.ts';

export type HandlerContext = {
  deps: Pick<AppDeps, 'database' | 'clock' | 'log' | 'crossNode' | 'config'>;
  access: PollAccess;
  lifecycle: PollLifecycle;
  hub: SessionHub;
  /** Stops the session through the sessions module. */
  stopSession(principal: Principal, sessionId: string): Promise<void>;
};

/** A connection that has not said hello within this time is closed. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Past this many times the `ws_messages` limit in one window, a flooding connection is closed (4529). */
export const FLOOD_CLOSE_FACTOR = 3;

export class ConnectionHandler {
  private readonly expiryTimers = new WeakMap<Conn, ReturnType<typeof setTimeout>>();
  private readonly helloTimers = new WeakMap<Conn, ReturnType<typeof setTimeout>>();
  /** A hello being processed: later frames wait for it instead of racing it. */
  private readonly greeting = new WeakMap<Conn, Promise<void>>();
  /**
   * Frames per connection in the current `ws_messages` window. Counted in process, not in Redis: a
   * connection lives on exactly one node, and a round trip per frame would tax the vote path.
   */
  private readonly frameWindows = new WeakMap<Conn, { resetAt: number; count: number }>();

  constructor(private readonly ctx: HandlerContext) {}

  opened(conn: Conn, facts: { ip?: string; requestId?: string } = {}): void {
    this.ctx.deps.log.info('connection opened', {
      connectionId: conn.id,
      transport: conn.transport,
      ...facts,
    });
    this.helloTimers.set(
      conn,
      setTimeout(() => {
        if (!conn.state) closeConn(conn, new AppError('unauthenticated', 'Send hello first.'));
      }, HELLO_TIMEOUT_MS),
    );
  }

  closed(conn: Conn, code?: number): void {
    const st = conn.state;
    this.ctx.deps.log.info('connection closed', {
      connectionId: conn.id,
      transport: conn.transport,
      ...(code !== undefined ? { code } : {}),
      ...(st ? { sessionId: st.sessionId, role: st.role } : {}),
      ...(st?.participantId ? { participantId: st.participantId } : {}),
    });
    this.clearHelloTimer(conn);
    const e = this.expiryTimers.get(conn);
    if (e) clearTimeout(e);
    this.ctx.hub.leave(conn);
  }

  /** 'ok', 'refuse' (over the limit: an `error`, nothing done) or 'close' (still flooding). */
  private flood(conn: Conn): 'ok' | 'refuse' | 'close' {
    const { enabled, limits } = this.ctx.deps.config.rateLimits;
    if (!enabled) return 'ok';
    const { limit, windowMs } = limits.ws_messages;
    const now = this.ctx.deps.clock.now();
    let w = this.frameWindows.get(conn);
    if (!w || w.resetAt <= now) {
      w = { resetAt: now + windowMs, count: 0 };
      this.frameWindows.set(conn, w);
    }
    w.count += 1;
    if (w.count <= limit) return 'ok';
    return w.count > limit * FLOOD_CLOSE_FACTOR ? 'close' : 'refuse';
  }

  async text(conn: Conn, raw: string): Promise<void> {
    const flood = this.flood(conn);
    if (flood !== 'ok') {
      const retryAfterS = Math.max(
        1,
        Math.ceil((this.frameWindows.get(conn)!.resetAt - this.ctx.deps.clock.now()) / 1000),
      );
      messagesIn.inc({ type: '(refused)' });
      if (flood === 'close')
        return closeConn(
          conn,
          new AppError('rate_limited_terminal', 'Too many messages; this connection is closed.'),
        );
      sendError(conn, new AppError('rate_limited', 'Too many messages; slow down.', { retryAfterS }));
      return;
    }
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) {
      messagesIn.inc({ type: '(invalid)' });
      if (parsed.error.code === 'payload_too_large') closeConn(conn, parsed.error);
      else sendError(conn, parsed.error);
      return;
    }
    await this.message(conn, parsed.message);
  }

  async message(conn: Conn, msg: ClientMessage): Promise<void> {
    messagesIn.inc({ type: msg.type });
    const greeting = this.greeting.get(conn);
    if (greeting) await greeting;
    if (msg.type === 'hello') {
      if (conn.state)
        return void sendError(conn, new AppError('conflict', 'This connection already said hello.'));
      const p = this.hello(conn, msg);
      this.greeting.set(conn, p);
      await p;
      this.greeting.delete(conn);
      return;
    }
    if (!conn.state) return closeConn(conn, new AppError('unauthenticated', 'Send hello first.'));
    try {
      await this.dispatch(conn, msg);
    } catch (e) {
      const err = toAppError(e);
      if (err.code === 'internal')
        this.ctx.deps.log.error('realtime handler failed', { err: e as Error, type: msg.type });
      sendError(conn, err, 'clientMsgId' in msg ? msg.clientMsgId : undefined);
    }
  }

  private async hello(conn: Conn, msg: ClientMessageOf<'hello'>): Promise<void> {
    try {
      if (msg.protocolVersion !== PROTOCOL_VERSION) {
        throw new AppError('protocol_version', `This server speaks protocol version ${PROTOCOL_VERSION}.`);
      }
      const state = await this.authorise(msg.token, msg.sessionId);
      conn.state = state;
      this.clearHelloTimer(conn);
      this.armExpiry(conn, state.tokenExpiresAt);
      const room = await this.ctx.hub.join(conn);
      const welcome: Record<string, unknown> = {
        type: 'welcome',
        protocolVersion: PROTOCOL_VERSION,
        connectionId: conn.id,
        now: this.ctx.deps.clock.now(),
        role: state.role,
      };
      if (state.participantId) welcome.participantId = state.participantId;
      send(conn, welcome as never);
      await room.sendSnapshot(conn);
      this.ctx.deps.log.info('connection hello', {
        connectionId: conn.id,
        sessionId: state.sessionId,
        role: state.role,
        ...(state.participantId ? { participantId: state.participantId } : {}),
      });
    } catch (e) {
      conn.state = null;
      const err = toAppError(e);
      this.ctx.deps.log.info('connection hello refused', {
        connectionId: conn.id,
        sessionId: msg.sessionId,
        code: err.code,
      });
      closeConn(conn, err);
    }
  }

  /** Who this token is in this session, or an AppError with the close code that says why not. */
  authorise(token: string, sessionId: string): Promise<ConnState> {
    return authoriseConnection(this.ctx, token, sessionId);
  }

  /** Cleared and forgotten: the spent timer is not kept for the connection's life. */
  private clearHelloTimer(conn: Conn): void {
    const t = this.helloTimers.get(conn);
    if (!t) return;
    clearTimeout(t);
    this.helloTimers.delete(conn);
  }

  private armExpiry(conn: Conn, expiresAt: number | null): void {
    const old = this.expiryTimers.get(conn);
    if (old) clearTimeout(old);
    if (expiresAt === null) return;
    const wait = Math.min(2 ** 31 - 1, Math.max(0, expiresAt - this.ctx.deps.clock.now()));
    this.expiryTimers.set(
      conn,
      setTimeout(
        () => closeConn(conn, new AppError('token_expired', 'Your sign-in expired; renew the token.')),
        wait,
      ),
    );
  }

  private async dispatch(conn: Conn, msg: ClientMessage): Promise<void> {
    const st = conn.state!;
    const room = await this.ctx.hub.open(st.sessionId);
    switch (msg.type) {
      case 'vote.cast': {
        const acked = voteAckSeconds.startTimer();
        const limited = st.participantId
          ? await enforceLimit(this.ctx.deps, 'votes', st.participantId).then(
              () => null,
              (e: unknown) => {
                if (e instanceof AppError) return e;
                // The shared counter (Redis) is down: the vote is still made durable in the
                // database, so count it unlimited rather than refuse every vote of the outage
                // (the per-connection frame limit above still applies). docs/decisions/0004.
                this.ctx.deps.log.warn('vote rate limit unavailable; vote let through', {
                  err: e as Error,
                  connectionId: conn.id,
                });
                return null;
              },
            )
          : null;
        if (limited) {
          const r: OutgoingMessage<'vote.rejected'> = {
            type: 'vote.rejected',
            clientMsgId: msg.clientMsgId,
            code: limited.code,
            message: limited.message,
          };
          if (limited.retryAfterS !== undefined) r.retryAfterS = limited.retryAfterS;
          votesRejected.inc({ reason: limited.code });
          send(conn, r);
          return;
        }
        const reply = await room.castVote(conn, msg);
        if (reply.type === 'vote.accepted') {
          acked();
          votesAccepted.inc();
        } else votesRejected.inc({ reason: reply.code });
        send(conn, reply);
        return;
      }
      case 'snapshot.request':
        await room.sendSnapshot(conn);
        return;
      case 'ping': {
        const pong: Record<string, unknown> = { type: 'pong', now: this.ctx.deps.clock.now() };
        if (msg.t !== undefined) pong.t = msg.t;
        send(conn, pong as never);
        return;
      }
      case 'token.renew': {
        const next = await this.authorise(msg.token, st.sessionId).catch((e) => {
          throw e instanceof AppError ? e : new AppError('unauthenticated', 'That token is not valid.');
        });
        const same =
          next.role === st.role &&
          next.participantId === st.participantId &&
          (next.principal.kind === 'user') === (st.principal.kind === 'user') &&
          (next.principal.kind !== 'user' ||
            st.principal.kind !== 'user' ||
            next.principal.userId === st.principal.userId);
        if (!same) throw new AppError('forbidden', 'The new token belongs to someone else.');
        conn.state = {
          ...st,
          principal: next.principal,
          revocationIds: next.revocationIds,
          tokenExpiresAt: next.tokenExpiresAt,
        };
        this.armExpiry(conn, next.tokenExpiresAt);
        send(conn, { type: 'token.renewed', expiresAt: next.tokenExpiresAt });
        return;
      }
      default:
        if ((TEACHER_COMMANDS as readonly string[]).includes(msg.type)) {
          await this.teacherCommand(conn, msg as ClientMessageOf<TeacherCommandType>);
          return;
        }
        throw new AppError('validation_failed', `Unexpected message type '${msg.type}'.`, { field: 'type' });
    }
  }

  private async teacherCommand(conn: Conn, msg: ClientMessageOf<TeacherCommandType>): Promise<void> {
    const st = conn.state! as ConnState & { sessionRole?: Role };
    const action: PollAction = msg.type === 'session.stop' ? 'session.stop' : 'poll.run';
    if (st.role !== 'teacher' || !st.sessionRole || !this.ctx.access.can(st.sessionRole, action)) {
      throw new AppError('forbidden', 'Only the session’s teachers can do that.');
    }
    const { lifecycle } = this.ctx;
    if (msg.type === 'session.stop') {
      // The sessions module owns the status (and its audit entry); its lifecycle event makes the
      // engine close the open poll and end every connection.
      await this.ctx.stopSession(st.principal, st.sessionId);
      return;
    }
    const [poll] = await queryOf(this.ctx.deps.database)<{ session_id: string }>(
      'SELECT session_id FROM polls WHERE id = $1 AND deleted_at IS NULL',
      [msg.pollId],
    );
    if (!poll) throw new AppError('not_found', 'No such poll.');
    if (poll.session_id !== st.sessionId)
      throw new AppError('forbidden', 'That poll belongs to another session.');
    switch (msg.type) {
      case 'poll.open':
        await lifecycle.open(msg.pollId, msg.timerSeconds);
        return;
      case 'poll.close':
        await lifecycle.close(msg.pollId);
        return;
      case 'poll.extend':
        await lifecycle.extend(msg.pollId, msg.seconds);
        return;
      case 'poll.reveal':
        await lifecycle.reveal(msg.pollId, { results: msg.results, correct: msg.correct });
        return;
      case 'poll.reset':
        await lifecycle.newRound(msg.pollId);
        return;
    }
  }
}
