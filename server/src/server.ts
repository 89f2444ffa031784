/**
 * One process, one port, one origin: Bun owns the port; `/ws` is upgraded to a WebSocket, API, LTI and
 * operations paths go to Elysia, every other path to the SvelteKit app. `startServer` is used by
 * main.ts and by tests (port 0), and returns a `stop()` that performs the graceful shutdown.
 */
import { hostname } from 'node:os';
import type { Server } from 'bun';
import type { Config } from './config/config.ts';
import { createCrossNode } from './crossnode/index.ts';
import { createApp } from './http/app.ts';
import { clientAddressResolver, clientProtocolResolver } from './http/client-address.ts';
import { type AppDeps, type Clock, setRequestFacts, systemClock } from './http/context.ts';
import { createFrameAncestors } from './http/frame-ancestors.ts';
import { applySecurityHeaders } from './http/security-headers.ts';
import { bootstrapAdmin } from './modules/auth/admin-bootstrap.ts';
import { pollEngineFor } from './modules/polls/index.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { websocketConnections } from './observability/metrics.ts';
import { type ConnectionData, createGateway, type RealtimeHandlers } from './realtime/gateway.ts';
import { missingRuntimeEnv } from './runtime-env.ts';
import { openDatabase } from './storage/database.ts';
import { gcPacer } from './storage/gc-pacer.ts';
import { createWebHandler, type WebHandler } from './web-handler.ts';

const BACKEND_PATH = /^\/(api(\/|$)|lti(\/|$)|healthz$|readyz$|metrics$|\.well-known\/)/;
const REQUEST_ID = /^[\w.-]{1,64}$/;
/** Requests that may add, change or remove an LTI platform (frame-ancestors follows at once). */
const PLATFORM_CHANGE = /^\/(api\/lti\/platforms|lti\/register)(\/|$)/;

export interface StartOptions {
  log?: Logger;
  clock?: Clock;
  /** Serve the SvelteKit build (default true); API-only tests turn it off. */
  web?: boolean;
  /** Realtime message handling; defaults to the poll engine's (modules/polls). */
  realtime?: (deps: AppDeps) => RealtimeHandlers;
}

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  stop(): Promise<void>;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const nodeId = `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const log = opts.log ?? createLogger(config.logLevel, { node: nodeId });
  const database = await openDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : { kind: 'pglite', dataDir: config.dataDir },
  );
  if (database.recovered)
    log.warn('recovered the embedded database after an unclean stop', { dataDir: config.dataDir });
  if (database.applied.length) log.info('migrations applied', { applied: database.applied });
  await bootstrapAdmin({ config, database, log, clock: opts.clock ?? systemClock });
  const crossNode = await createCrossNode({
    redisUrl: config.redisUrl,
    nodeId,
    keyPrefix: config.redisPrefix,
  });
  const deps: AppDeps = { config, database, crossNode, log, clock: opts.clock ?? systemClock, nodeId };

  const app = createApp(deps);
  const web: WebHandler | null = opts.web === false ? null : await createWebHandler();
  const engine = pollEngineFor(deps);
  const handlers = opts.realtime ? opts.realtime(deps) : engine.websocket();
  // Every frame is work: it arms the embedded database's collection pacer (gc-pacer.ts).
  const gateway = createGateway(log, {
    ...handlers,
    onMessage: (ws, raw) => {
      gcPacer.touch();
      return handlers.onMessage(ws, raw);
    },
  });
  await engine.start();
  const resolveAddress = clientAddressResolver(config.trustedProxies);
  const resolveProtocol = clientProtocolResolver(config.trustedProxies);
  const frameAncestors = createFrameAncestors({
    configured: config.frameAncestors,
    database,
    log,
  });
  await frameAncestors.refresh();
  const secure = (response: Response, https: boolean): Response => {
    const options = { https, frameAncestors: frameAncestors.current };
    try {
      return applySecurityHeaders(response, options);
    } catch {
      // Immutable headers (e.g. Response.redirect): copy, then add.
      return applySecurityHeaders(new Response(response.body, response), options);
    }
  };
  const untrackSockets = websocketConnections.track(() => gateway.size);
  let inFlight = 0;
  let draining = false;

  const server: Server<ConnectionData> = Bun.serve<ConnectionData>({
    port: config.port,
    hostname: config.host,
    idleTimeout: 30,
    async fetch(request, srv) {
      gcPacer.touch();
      const peer = srv.requestIP(request)?.address ?? 'unknown';
      const clientAddress = resolveAddress(peer, request.headers.get('x-forwarded-for'));
      const incoming = request.headers.get('x-request-id');
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
      const protocol = resolveProtocol(
        peer,
        request.headers.get('x-forwarded-proto'),
        request.url.startsWith('https:') ? 'https' : 'http',
      );
      setRequestFacts(request, { clientAddress, requestId, protocol });
      const { pathname } = new URL(request.url);
      if (draining) {
        const busy = Response.json(
          {
            error: {
              code: 'server_shutting_down',
              message: 'The server is restarting; try again in a moment.',
            },
          },
          { status: 503, headers: { 'retry-after': '2', connection: 'close' } },
        );
        return secure(busy, protocol === 'https');
      }
      if (pathname === '/ws') {
        const refused = gateway.upgrade(request, srv, clientAddress);
        return refused && secure(refused, protocol === 'https');
      }
      inFlight++;
      try {
        const response =
          BACKEND_PATH.test(pathname) || !web
            ? await app.handle(request)
            : await web.handle(request, clientAddress);
        if (request.method !== 'GET' && PLATFORM_CHANGE.test(pathname)) await frameAncestors.refresh();
        const answered = secure(response, protocol === 'https');
        answered.headers.set('x-request-id', requestId);
        return answered;
      } finally {
        inFlight--;
      }
    },
    websocket: gateway.websocket,
  });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${server.port}`;
  log.info('listening', {
    url,
    publicOrigin: config.publicOrigin,
    db: database.kind,
    crossNode: crossNode.kind,
  });
  const missing = missingRuntimeEnv();
  if (missing.length)
    log.info('started without the runtime environment (npm start and the Docker image set it)', {
      missing,
      effect: 'peak memory under load is higher (and warm-up costs more CPU)',
      see: 'README, Configuration; docs/decisions/0008 and 0009',
    });

  let stopping: Promise<void> | null = null;
  return {
    url,
    port: server.port ?? config.port,
    deps,
    stop() {
      stopping ??= (async () => {
        draining = true;
        log.info('shutting down', { inFlight, sockets: gateway.size });
        gateway.closeAll();
        await engine.stop().catch((e) => log.warn('poll engine stop failed', { err: e }));
        untrackSockets();
        const deadline = Date.now() + config.shutdownGraceMs;
        while (inFlight > 0 && Date.now() < deadline) await Bun.sleep(20);
        await server.stop(true);
        await crossNode.close().catch((e) => log.warn('cross-node close failed', { err: e }));
        await database.close().catch((e) => log.warn('database close failed', { err: e }));
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
