/**
 * Test kit for the live poll engine: a real node (Bun server with the gateway + the whole Elysia app)
 * on a given database and cross-node layer, a classroom (teacher account, live session, participants)
 * and a WebSocket client that records every frame it receives.
 */
import {
  type ClientMessage,
  PROTOCOL_VERSION,
  parseServerMessage,
  type ServerMessage,
} from '@handsup/protocol';
import type { Server } from 'bun';
import { parseConfig } from '../../config/config.ts';
import { createCrossNode, type CrossNode } from '../../crossnode/index.ts';
import { createApp } from '../../http/app.ts';
import { type AppDeps, type Clock, setRequestFacts, systemClock } from '../../http/context.ts';
import { PARTICIPANT_TOKEN_PREFIX } from '../../modules/auth/authenticator.ts';
import { hashToken, randomToken } from '../../modules/auth/secrets.ts';
import { type PollEngineOptions, pollEngineFor } from '../../modules/polls/engine.ts';
import { createLogger } from '../../observability/logger.ts';
import type { Database } from '../../storage/database.ts';
import { type ConnectionData, createGateway } from '../gateway.ts';

export const ORIGIN = 'http://localhost:3000';

export type Node = Awaited<ReturnType<typeof startNode>>;

export async function startNode(
  database: Database,
  opts: {
    crossNode?: CrossNode;
    clock?: Clock;
    env?: Record<string, string>;
    engine?: PollEngineOptions;
  } = {},
) {
  const nodeId = `node-${crypto.randomUUID().slice(0, 8)}`;
  const deps: AppDeps = {
    config: parseConfig({ NODE_ENV: 'test', PUBLIC_ORIGIN: ORIGIN, LOG_LEVEL: 'silent', ...opts.env }),
    database,
    crossNode: opts.crossNode ?? (await createCrossNode({ redisUrl: null, nodeId })),
    log: createLogger('silent'),
    clock: opts.clock ?? systemClock,
    nodeId,
  };
  const engine = pollEngineFor(deps, undefined, opts.engine);
  const app = createApp(deps);
  const gateway = createGateway(deps.log, engine.websocket());
  await engine.start();
  const server: Server<ConnectionData> = Bun.serve<ConnectionData>({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request, srv) {
      setRequestFacts(request, {
        clientAddress: '203.0.113.7',
        requestId: crypto.randomUUID(),
        protocol: 'http',
      });
      if (new URL(request.url).pathname === '/ws') return gateway.upgrade(request, srv, '127.0.0.1');
      return app.handle(request);
    },
    websocket: gateway.websocket,
  });
  const url = `http://127.0.0.1:${server.port}`;
  const call = async (
    method: string,
    path: string,
    o: { token?: string; body?: unknown } = {},
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered
  ): Promise<{ status: number; body: any; text: string }> => {
    const headers: Record<string, string> = { origin: ORIGIN };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body, text };
  };
  return {
    url,
    wsUrl: `${url.replace('http', 'ws')}/ws`,
    deps,
    engine,
    call,
    async stop() {
      gateway.closeAll();
      await engine.stop();
      server.stop(true);
    },
  };
}

export type Classroom = {
  sessionId: string;
  teacherToken: string;
  teacherId: string;
  students: { participantId: string; token: string; name: string }[];
};

/** A teacher account, a live session and `n` participants (inserted directly: tokens as the join module makes them). */
export async function classroom(
  node: Node,
  n: number,
  settings: Record<string, unknown> = {},
): Promise<Classroom> {
  const email = `t-${crypto.randomUUID().slice(0, 8)}@example.edu`;
  const up = await node.call('POST', '/api/auth/sign-up', {
    body: { email, password: 'blue-harbour-kettle-42', displayName: 'Teacher T' },
  });
  if (up.status !== 201) throw new Error(`sign-up: ${up.status} ${up.text}`);
  const token = up.body.accessToken as string;
  const created = await node.call('POST', '/api/sessions', {
    token,
    body: { title: 'Physics 101', settings },
  });
  if (created.status !== 201) throw new Error(`create session: ${created.status} ${created.text}`);
  const sessionId = created.body.id as string;
  const started = await node.call('POST', `/api/sessions/${sessionId}/start`, { token });
  if (started.status !== 200) throw new Error(`start: ${started.status} ${started.text}`);
  return {
    sessionId,
    teacherToken: token,
    teacherId: up.body.user.id,
    students: await addStudents(node.deps.database, sessionId, n),
  };
}

export async function addStudents(database: Database, sessionId: string, n: number, prefix = 'Student') {
  const students: Classroom['students'] = [];
  for (let i = 0; i < n; i++) {
    const token = randomToken(PARTICIPANT_TOKEN_PREFIX);
    const name = `${prefix} ${i}-${crypto.randomUUID().slice(0, 4)}`;
    const [p] = await database.query<{ id: string }>(
      'INSERT INTO participants (session_id, display_name, token_hash) VALUES ($1, $2, $3) RETURNING id',
      [sessionId, name, hashToken(token)],
    );
    students.push({ participantId: p.id, token, name });
  }
  return students;
}

export async function createPoll(node: Node, room: Classroom, body: Record<string, unknown>) {
  const r = await node.call('POST', `/api/sessions/${room.sessionId}/polls`, {
    token: room.teacherToken,
    body,
  });
  if (r.status !== 201) throw new Error(`create poll: ${r.status} ${r.text}`);
  return r.body as { id: string; round: number };
}

export const choice = (prompt = 'Capital of France?', settings: Record<string, unknown> = {}) => ({
  prompt,
  content: {
    type: 'single_choice',
    options: [
      { id: 'a', text: 'Paris' },
      { id: 'b', text: 'Rome' },
      { id: 'c', text: 'Madrid' },
    ],
  },
  settings,
});

/** A WebSocket client that keeps every frame (raw text and parsed) and can wait for one. */
export class Client {
  readonly frames: ServerMessage[] = [];
  readonly raw: string[] = [];
  closeCode: number | null = null;
  private waiters: {
    pred: (m: ServerMessage) => boolean;
    resolve: (m: ServerMessage) => void;
    from: number;
  }[] = [];
  private constructor(readonly ws: WebSocket) {}

  static async connect(wsUrl: string): Promise<Client> {
    const ws = new WebSocket(wsUrl);
    const c = new Client(ws);
    ws.onmessage = (e) => {
      const text = String(e.data);
      c.raw.push(text);
      const parsed = parseServerMessage(text);
      if (!parsed.ok)
        throw new Error(`server sent an invalid frame: ${parsed.error.message}: ${text.slice(0, 300)}`);
      c.frames.push(parsed.message);
      for (const w of [...c.waiters]) {
        if (w.pred(parsed.message)) {
          c.waiters.splice(c.waiters.indexOf(w), 1);
          w.resolve(parsed.message);
        }
      }
    };
    const closed = new Promise<void>((r) => {
      ws.onclose = (e) => {
        c.closeCode = e.code;
        r();
      };
    });
    c.closed = closed;
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    return c;
  }

  closed!: Promise<void>;

  send(m: ClientMessage | Record<string, unknown> | string): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The first frame (received so far or later) matching `pred`, after index `from`. */
  next<T extends ServerMessage['type']>(
    type: T,
    pred: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
    from = 0,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const match = (m: ServerMessage) => m.type === type && pred(m as Extract<ServerMessage, { type: T }>);
    const seen = this.frames.slice(from).find(match);
    if (seen) return Promise.resolve(seen as Extract<ServerMessage, { type: T }>);
    return new Promise((resolve, reject) => {
      const w = { pred: match, resolve: resolve as (m: ServerMessage) => void, from };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(
            new Error(`no ${type} within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(', ')}`),
          );
        }
      }, timeoutMs);
    });
  }

  async hello(token: string, sessionId: string) {
    this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token, sessionId });
    await this.next('welcome');
    return this.next('session.snapshot');
  }

  close(): void {
    this.ws.close();
  }
}

export async function connect(node: Node, token: string, sessionId: string) {
  const c = await Client.connect(node.wsUrl);
  await c.hello(token, sessionId);
  return c;
}

export { eventually } from '../../testing/eventually.ts';
