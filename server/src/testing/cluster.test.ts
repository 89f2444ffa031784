import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import http from 'node:http';
import { PROTOCOL_VERSION } from '@handsup/protocol';
import { type Cluster, parseEnvFile, startCluster } from './cluster.ts';
import { renderTemplate } from './cluster-nginx.ts';
import { describeCluster, metricsOf, sample } from './cluster-probes.ts';
import { REDIS_TEST_URL, uniqueName } from './services.ts';
import { createPostgresDatabase } from './storage-matrix.ts';

/** A GET from a chosen loopback source address (the balancer then sees a client that is not itself). */
function getFrom(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The JSON `request` log line a node wrote for request id `rid`, and which node wrote it. Log lines
 * reach us through a pipe a moment after the response: look again for up to 3 s.
 */
async function findRequest(cluster: Cluster, rid: string) {
  const deadline = Date.now() + 3000;
  do {
    for (const node of cluster.nodes) {
      for (const line of (await node.output()).split('\n')) {
        if (!line.includes(rid)) continue;
        const entry = JSON.parse(line) as {
          msg: string;
          requestId: string;
          ip: string;
          proto: string;
          node: string;
        };
        if (entry.msg === 'request' && entry.requestId === rid) return { ...entry, nodeIndex: node.index };
      }
    }
    await Bun.sleep(50);
  } while (Date.now() < deadline);
  return null;
}

/** A signed-up teacher's session, started, created through the balancer. */
async function liveSession(cluster: Cluster): Promise<{ sessionId: string; joinCode: string }> {
  const call = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = { origin: cluster.url, 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${cluster.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
  const { accessToken } = await call('/api/auth/sign-up', {
    email: `${uniqueName('teacher')}@example.edu`,
    password: 'blue-harbour-kettle-42',
  });
  const session = await call('/api/sessions', { title: 'Cluster' }, accessToken);
  await call(`/api/sessions/${session.id}/start`, {}, accessToken);
  return { sessionId: session.id, joinCode: session.joinCode };
}

/**
 * A student through the balancer: joins by code, opens /ws, says hello and waits for the snapshot.
 * Every wait is bounded; a socket closed before it opened is a failure, not a hang.
 */
async function studentSocket(
  cluster: Cluster,
  live: { sessionId: string; joinCode: string },
): Promise<WebSocket> {
  const j = await fetch(`${cluster.url}/api/join/${live.joinCode}`, {
    method: 'POST',
    headers: { origin: cluster.url, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Student' }),
  });
  if (!j.ok) throw new Error(`join: ${j.status} ${await j.text()}`);
  const { participantToken } = await j.json();
  const ws = new WebSocket(cluster.wsUrl);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no snapshot within 10 s')), 10_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(why));
    };
    ws.onerror = () => fail('WebSocket failed');
    ws.onclose = (e) => fail(`WebSocket closed ${e.code} ${e.reason}`);
    ws.onopen = () =>
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          token: participantToken,
          sessionId: live.sessionId,
        }),
      );
    ws.onmessage = (e) => {
      if (JSON.parse(String(e.data)).type === 'session.snapshot') {
        clearTimeout(timer);
        ws.onclose = null;
        resolve();
      }
    };
  });
  return ws;
}

function pingPong(ws: WebSocket): Promise<{ type: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no pong within 5 s')), 5000);
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (msg.type === 'pong') {
        clearTimeout(timer);
        resolve(msg);
      }
    };
    ws.send(JSON.stringify({ type: 'ping' }));
  });
}

describe('the shared nginx template', () => {
  test('renders every placeholder and refuses to leave one unset', () => {
    const listen = '$' + '{HANDSUP_LISTEN}'; // an nginx template placeholder, as envsubst spells it
    expect(() => renderTemplate(`listen ${listen};`, {})).toThrow('nginx template needs HANDSUP_LISTEN');
    expect(renderTemplate(`listen ${listen}; return 301 $host$uri;`, { HANDSUP_LISTEN: '80' })).toBe(
      'listen 80; return 301 $host$uri;',
    );
  });
  test('the env file is read as compose reads it', () => {
    expect(parseEnvFile('# c\nA=1\n\n B = x\nC=a=b\n#D=2')).toEqual({ A: '1', C: 'a=b' });
  });
});

describeCluster('a three-node cluster behind nginx, on loopback', () => {
  let cluster: Cluster;
  let drop: () => Promise<void>;
  let live: { sessionId: string; joinCode: string };

  beforeAll(async () => {
    const db = await createPostgresDatabase();
    drop = db.drop;
    cluster = await startCluster({
      nodes: 3,
      databaseUrl: db.url,
      redisUrl: REDIS_TEST_URL,
      redisPrefix: `${uniqueName('cl')}:`,
    });
    live = await liveSession(cluster);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await drop?.();
  });

  test('spreads HTTP requests over the nodes, and every node is ready on PostgreSQL and Redis', async () => {
    const rids = Array.from({ length: 12 }, (_, i) => uniqueName(`spread${i}`));
    for (const rid of rids) {
      const res = await fetch(`${cluster.url}/readyz`, { headers: { 'x-request-id': rid } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ready', db: 'ok', redis: 'ok', dbKind: 'postgres' });
      expect(res.headers.get('x-request-id')).toBe(rid);
    }
    const seen = new Set<number>();
    for (const rid of rids) {
      const entry = await findRequest(cluster, rid);
      expect(entry).not.toBeNull();
      seen.add(entry!.nodeIndex);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
    // nginx names the node that answered in its access log.
    expect(cluster.nginx.output()).toContain(`rid=${rids[0]}`);
  });

  test('upgrades WebSockets through nginx to several nodes: students say hello, get the snapshot, ping is answered', async () => {
    const sockets = await Promise.all(Array.from({ length: 6 }, () => studentSocket(cluster, live)));
    try {
      for (const ws of sockets) expect((await pingPong(ws)).type).toBe('pong');
      const counts = await Promise.all(
        cluster.nodes.map(async (_, i) =>
          sample(await metricsOf(cluster, i), 'handsup_websocket_connections'),
        ),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
      expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
    } finally {
      const closed = sockets.map(
        (ws) => new Promise<number>((r) => ws.addEventListener('close', (e) => r(e.code))),
      );
      for (const ws of sockets) ws.close(1000, 'done');
      expect(await Promise.all(closed)).toEqual(sockets.map(() => 1000));
    }
  });

  test('the node sees the client address nginx saw — never one the client made up', async () => {
    const rid = uniqueName('addr');
    const status = await getFrom(`${cluster.url}/healthz`, '127.0.0.7', {
      'x-request-id': rid,
      'x-forwarded-for': '203.0.113.66',
      'x-forwarded-proto': 'https',
      forwarded: 'for=203.0.113.66;proto=https',
    });
    expect(status).toBe(200);
    const entry = await findRequest(cluster, rid);
    expect(entry).toMatchObject({ ip: '127.0.0.7', proto: 'http' });
  });

  test('a node believes X-Forwarded-For and X-Forwarded-Proto only from its trusted proxy', async () => {
    const trusted = uniqueName('trusted');
    await getFrom(`${cluster.nodes[0].url}/healthz`, '127.0.0.1', {
      'x-request-id': trusted,
      'x-forwarded-for': '198.51.100.4',
      'x-forwarded-proto': 'https',
    });
    expect(await findRequest(cluster, trusted)).toMatchObject({ ip: '198.51.100.4', proto: 'https' });
    const stranger = uniqueName('stranger');
    await getFrom(`${cluster.nodes[0].url}/healthz`, '127.0.0.9', {
      'x-request-id': stranger,
      'x-forwarded-for': '198.51.100.4',
      'x-forwarded-proto': 'https',
    });
    expect(await findRequest(cluster, stranger)).toMatchObject({ ip: '127.0.0.9', proto: 'http' });
  });

  test('metrics are scraped per node with the token, and never served through the balancer', async () => {
    expect((await fetch(`${cluster.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${cluster.nodes[0].url}/metrics`)).status).toBe(401);
    const text = await metricsOf(cluster, 0);
    expect(sample(text, 'handsup_db_up')).toBe(1);
    expect(sample(text, 'handsup_redis_up')).toBe(1);
    expect(sample(text, 'handsup_db_ping_seconds')).toBeGreaterThan(0);
    expect(text).toContain('handsup_http_requests_total{method="GET",route="/readyz",status="200"}');
  });

  test('a node killed with SIGKILL costs no request: nginx sends them to the others, and takes it back after restart', async () => {
    const victim = cluster.nodes[1];
    await victim.kill('SIGKILL');
    expect(victim.running).toBe(false);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await fetch(`${cluster.url}/readyz`)).status);
    expect(statuses).toEqual(statuses.map(() => 200));
    const ws = await studentSocket(cluster, live);
    expect((await pingPong(ws)).type).toBe('pong');
    ws.close();

    await victim.restart();
    expect(victim.running).toBe(true);
    // fail_timeout=5s: nginx tries the node again after that; bounded wait for it to answer a request.
    const deadline = Date.now() + 15_000;
    let back = false;
    while (!back && Date.now() < deadline) {
      const rid = uniqueName('back');
      expect((await fetch(`${cluster.url}/healthz`, { headers: { 'x-request-id': rid } })).status).toBe(200);
      back = (await findRequest(cluster, rid))?.nodeIndex === victim.index;
      if (!back) await Bun.sleep(200);
    }
    expect(back).toBe(true);
  });
});
