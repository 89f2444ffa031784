/**
 * The rooms this node serves: one SessionRoom per session with local connections, each subscribed to
 * the bus channel `session:{id}`. Also: presence entries for local connections (joined, left,
 * heartbeated every PRESENCE_HEARTBEAT_MS), revocations (a revoked user's or participant's sockets
 * close on every node), and the hook the vote store calls after each commit (apply here at once,
 * tell the other nodes through the bus).
 */
import { AppError, ERROR_CATALOG, topics } from '@handsup/protocol';
import { PRESENCE_HEARTBEAT_MS } from '../crossnode/index.ts';
import {
  ANSWERS_CACHE_TTL_MS,
  answersCacheKey,
  encodeAnswer,
  type PresenceEvent,
  type SessionEvent,
  type VotesEvent,
} from '../modules/polls/events.ts';
import type { PendingVote } from '../modules/polls/vote-batch.ts';
import { type Conn, closeConn } from './connection.ts';
import { openPolls, socketsByRole } from './metrics.ts';
import { type RoomContext, SessionRoom } from './session-room.ts';

/** An empty room is kept this long, so a reconnect storm does not reload the session each time. */
const EMPTY_ROOM_GRACE_MS = 15_000;

export class SessionHub {
  private readonly rooms = new Map<string, SessionRoom>();
  private readonly emptySince = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly conns = new Set<Conn>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private unRevoked: (() => Promise<void>) | null = null;
  /** Stops this hub's gauges (read at scrape time from its rooms and connections). */
  private readonly untrack: (() => void)[] = [];

  constructor(private readonly ctx: RoomContext) {
    const byRole = (role: string) => () => {
      let n = 0;
      for (const c of this.conns) if (c.state?.role === role) n++;
      return n;
    };
    for (const role of ['teacher', 'student', 'presenter'])
      this.untrack.push(socketsByRole.track(byRole(role), { role }));
    this.untrack.push(
      openPolls.track(() => {
        let n = 0;
        for (const room of this.rooms.values()) if (room.state?.openPoll) n++;
        return n;
      }),
    );
  }

  async start(): Promise<void> {
    const { crossNode, nodeId, log } = this.ctx.deps;
    this.heartbeat = setInterval(() => {
      crossNode.presence
        .heartbeat(nodeId)
        .catch((e) => log.warn('presence heartbeat failed', { err: e as Error }));
    }, PRESENCE_HEARTBEAT_MS);
    this.unRevoked = await crossNode.revocations.onRevoked((id) => this.revoked(id));
  }

  async stop(): Promise<void> {
    for (const u of this.untrack.splice(0)) u();
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unRevoked?.().catch(() => {});
    for (const t of this.emptySince.values()) clearTimeout(t);
    for (const room of this.rooms.values()) room.dispose();
    this.rooms.clear();
  }

  room(sessionId: string): SessionRoom | undefined {
    return this.rooms.get(sessionId);
  }

  /** The room for a session, loading it if this node has none yet. Throws if the session is gone. */
  async open(sessionId: string): Promise<SessionRoom> {
    let room = this.rooms.get(sessionId);
    if (!room) {
      const { bus } = this.ctx.deps.crossNode;
      room = new SessionRoom(sessionId, this.ctx, (handler) =>
        bus.subscribe(topics.session(sessionId), (m) => handler(m as SessionEvent)),
      );
      this.rooms.set(sessionId, room);
      try {
        await room.ready;
      } catch (e) {
        this.rooms.delete(sessionId);
        room.dispose();
        throw e;
      }
    }
    await room.ready;
    return room;
  }

  /** Adds an authenticated connection to its session's room and to cluster presence. */
  async join(conn: Conn): Promise<SessionRoom> {
    const st = conn.state!;
    const room = await this.open(st.sessionId);
    const t = this.emptySince.get(st.sessionId);
    if (t) clearTimeout(t);
    this.emptySince.delete(st.sessionId);
    room.add(conn);
    this.conns.add(conn);
    const { crossNode, nodeId, log } = this.ctx.deps;
    const entry = {
      connectionId: conn.id,
      nodeId,
      role: st.role,
      ...(st.participantId ? { participantId: st.participantId } : {}),
    };
    await crossNode.presence
      .join(st.sessionId, entry)
      .catch((e) => log.warn('presence join failed', { err: e as Error }));
    this.announcePresence(st.sessionId);
    return room;
  }

  leave(conn: Conn): void {
    const st = conn.state;
    if (!st || !this.conns.delete(conn)) return;
    const room = this.rooms.get(st.sessionId);
    room?.remove(conn);
    const { crossNode, log } = this.ctx.deps;
    crossNode.presence
      .leave(st.sessionId, conn.id)
      .then(() => this.announcePresence(st.sessionId))
      .catch((e) => log.warn('presence leave failed', { err: e as Error }));
    if (room && room.conns.size === 0 && !this.emptySince.has(st.sessionId)) {
      this.emptySince.set(
        st.sessionId,
        setTimeout(() => {
          this.emptySince.delete(st.sessionId);
          if (room.conns.size === 0 && this.rooms.get(st.sessionId) === room) {
            this.rooms.delete(st.sessionId);
            room.dispose();
          }
        }, EMPTY_ROOM_GRACE_MS),
      );
    }
  }

  private announcePresence(sessionId: string): void {
    const event: PresenceEvent = { kind: 'presence', sessionId };
    this.ctx.deps.crossNode.bus.publish(topics.session(sessionId), event).catch(() => {});
  }

  /** The vote store committed these: count them here now, and tell the other nodes. */
  onVotesCommitted(written: PendingVote[]): void {
    const groups = new Map<string, PendingVote[]>();
    for (const v of written) {
      const k = `${v.sessionId}|${v.pollId}|${v.round}`;
      const g = groups.get(k) ?? [];
      groups.set(k, g);
      g.push(v);
    }
    for (const g of groups.values()) {
      const { sessionId, pollId, round } = g[0];
      const answers = g.map((v) => ({ p: v.participantId, v: v.value, c: v.clientMsgId, n: v.name }));
      this.rooms.get(sessionId)?.applyVotes(pollId, round, answers);
      // Into the running-results cache before the event, so a node that reads it after the event has it.
      const entries: Record<string, string> = {};
      const t = this.ctx.deps.clock.now();
      for (const a of answers) entries[a.p] = encodeAnswer(a, t);
      this.ctx.deps.crossNode.answers
        .put(answersCacheKey(pollId, round), entries, ANSWERS_CACHE_TTL_MS)
        .catch((e) => {
          this.ctx.deps.log.warn('answers cache write failed', { err: e as Error });
          this.rooms.get(sessionId)?.answers.failed();
        });
      const event: VotesEvent & { origin: string } = {
        kind: 'votes',
        sessionId,
        pollId,
        round,
        answers,
        origin: this.ctx.deps.nodeId,
      };
      this.ctx.deps.crossNode.bus
        .publish(topics.session(sessionId), event)
        .catch((e) => this.ctx.deps.log.warn('votes publish failed', { err: e as Error }));
    }
  }

  private revoked(id: string): void {
    for (const c of [...this.conns]) {
      const st = c.state;
      if (!st?.revocationIds.includes(id)) continue;
      closeConn(
        c,
        new AppError(id.startsWith('participant:') ? 'kicked' : 'token_revoked', 'Your access was revoked.'),
      );
    }
  }

  /** Every local connection (shutdown closes them). */
  get size(): number {
    return this.conns.size;
  }

  closeAll(): void {
    for (const c of [...this.conns]) c.end(ERROR_CATALOG.server_shutting_down.close, 'server_shutting_down');
  }
}
