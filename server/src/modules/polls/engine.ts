/**
 * The poll engine of one node, assembled: lifecycle service, group-committing vote store, deadline
 * sweeper, realtime hub and the connection handler shared by WebSocket and SSE. `pollEngineFor(deps)`
 * gives the one engine of an AppDeps (the REST module and the WebSocket gateway use the same).
 */
import type { AppDeps } from '../../http/context.ts';
import { ConnectionHandler } from '../../realtime/connection-handler.ts';
import type { RealtimeHandlers } from '../../realtime/gateway.ts';
import { SessionHub } from '../../realtime/session-hub.ts';
import { websocketHandlers } from '../../realtime/ws-adapter.ts';
import { can } from '../../domain/access/permissions.ts';
import { createAuthenticator, createSessionAccess } from '../auth/index.ts';
import { onSessionLifecycle } from '../sessions/lifecycle.ts';
import { createSessionService } from '../sessions/service.ts';
import type { PollAccess } from './access.ts';
import { DeadlineSweeper } from './deadline-sweeper.ts';
import { PollLifecycle } from './lifecycle-service.ts';
import { ResultsService } from './results-service.ts';
import { PollService } from './service.ts';
import { VoteStore } from './vote-store.ts';

export type PollEngineOptions = {
  /** Maintenance pass of each room (version check, recount of the open poll); default 5000 ms. */
  maintenanceMs?: number;
  sweepIntervalMs?: number;
};

export class PollEngine {
  readonly lifecycle: PollLifecycle;
  readonly votes: VoteStore;
  readonly hub: SessionHub;
  readonly handler: ConnectionHandler;
  readonly sweeper: DeadlineSweeper;
  readonly service: PollService;
  readonly results: ResultsService;
  private started = false;
  private unlisten: (() => void) | null = null;

  constructor(
    readonly deps: AppDeps,
    readonly access: PollAccess,
    opts: PollEngineOptions = {},
  ) {
    this.lifecycle = new PollLifecycle(deps);
    let hub: SessionHub | null = null;
    this.votes = new VoteStore(deps, {
      batchMs: deps.config.voteBatchMs,
      onCommitted: (written) => hub?.onVotesCommitted(written),
    });
    this.hub = hub = new SessionHub({
      deps,
      lifecycle: this.lifecycle,
      votes: this.votes,
      maintenanceMs: opts.maintenanceMs ?? 5000,
    });
    const sessions = createSessionService(deps);
    this.handler = new ConnectionHandler({
      deps,
      access,
      lifecycle: this.lifecycle,
      hub: this.hub,
      stopSession: async (principal, sessionId) => {
        await sessions.stop(principal, sessionId, { ip: 'websocket', requestId: crypto.randomUUID() });
      },
    });
    this.sweeper = new DeadlineSweeper(deps, this.lifecycle, opts.sweepIntervalMs);
    this.service = new PollService(deps, access, this.lifecycle);
    this.results = new ResultsService(deps, access);
  }

  /** Background work: sweeper, presence heartbeats, revocation listener. Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.sweeper.start();
    await this.hub.start();
    // The sessions module owns start/stop; we close the open poll and tell the clients.
    this.unlisten = onSessionLifecycle(this.deps, async (e) => {
      if (e.type === 'session.started') await this.lifecycle.sessionStarted(e.sessionId);
      else if (
        e.type === 'session.stopped' ||
        e.type === 'session.archived' ||
        e.type === 'session.deleted'
      ) {
        await this.lifecycle.endSession(e.sessionId);
      }
    });
  }

  /** Flushes queued votes and stops background work (before the database and bus close). */
  async stop(): Promise<void> {
    this.unlisten?.();
    this.sweeper.stop();
    this.hub.closeAll();
    await this.votes.close();
    await this.hub.stop();
  }

  websocket(): RealtimeHandlers {
    return websocketHandlers(this.handler);
  }
}

const engines = new WeakMap<AppDeps, PollEngine>();

/** The accounts module's authenticator, session access and permission table. */
export const accountsAccess = (deps: AppDeps): PollAccess => ({
  authenticator: createAuthenticator(deps),
  sessionAccess: createSessionAccess(deps),
  can,
});

/** The engine of these deps, created on first use (`access` and `opts` count on creation only). */
export const pollEngineFor = (deps: AppDeps, access?: PollAccess, opts?: PollEngineOptions): PollEngine => {
  let engine = engines.get(deps);
  if (!engine) {
    engine = new PollEngine(deps, access ?? accountsAccess(deps), opts);
    engines.set(deps, engine);
  }
  return engine;
};
