/**
 * Failure drills on the Docker-less cluster (issue 8): three Handsup processes behind Debian's nginx,
 * on loopback, with the faults injected without touching the machine's shared services —
 *  - Redis is a private redis-server this file starts, stops and starts again on the same port, reached
 *    through a TCP proxy this file can cut (Redis unreachable, its data kept) and restore;
 *  - PostgreSQL is the shared server behind a TCP proxy this file can cut (every connection closed,
 *    new ones refused) and restore; the test reads the truth (rows) straight from PostgreSQL.
 * Students are real protocol clients (drill-kit.ts): joined by code through nginx, they reconnect with
 * backoff and re-send an unacknowledged vote with the same clientMsgId, like the web client.
 * Every wait is bounded; each drill prints how long its fault took to heal.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import postgres from 'postgres';
import { type Cluster, startCluster } from './cluster.ts';
import { backInRotation, describeCluster, metricsOf, readyz, sample } from './cluster-probes.ts';
import { classOf, type Student, Teacher } from './drill-kit.ts';
import { eventually } from './eventually.ts';
import { startPrivateRedis } from './processes.ts';
import { startTcpProxy, type TcpProxy, viaProxy } from './tcp-proxy.ts';
import { uniqueName } from './services.ts';
import { createPostgresDatabase } from './storage-matrix.ts';

const OPTIONS = ['a', 'b', 'c'];
const pick = (i: number) => OPTIONS[i % OPTIONS.length];

const report = (what: string, ms: number) => console.log(`drill: ${what}: ${Math.round(ms)} ms`);

describeCluster('failure drills on a three-node cluster behind nginx', () => {
  let cluster: Cluster;
  let dbUrl: string;
  let drop: () => Promise<void>;
  let sql: postgres.Sql;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  const everyone: Student[] = [];

  beforeAll(async () => {
    const db = await createPostgresDatabase();
    dbUrl = db.url;
    drop = db.drop;
    sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
    redis = await startPrivateRedis();
    redisProxy = startTcpProxy({ hostname: '127.0.0.1', port: redis.port });
    const u = new URL(dbUrl);
    pgProxy = startTcpProxy({ hostname: u.hostname, port: Number(u.port || 5432) });
    cluster = await startCluster({
      nodes: 3,
      databaseUrl: viaProxy(dbUrl, pgProxy),
      redisUrl: viaProxy(redis.url, redisProxy),
      redisPrefix: `${uniqueName('drill')}:`,
      // Fewer log lines: requests and connection events are info, and that is what we check.
      env: { LOG_LEVEL: 'info' },
      accessLog: false,
    });
  }, 120_000);

  afterAll(async () => {
    if (process.env.DRILL_LOGS)
      for (const n of cluster?.nodes ?? [])
        for (const l of (await n.output()).split('\n'))
          if (/"level":"(warn|error)"|hello refused/.test(l))
            console.log(`node ${n.index + 1}: ${l.slice(0, 400)}`);
    for (const s of everyone) s.stop();
    await cluster?.stop();
    pgProxy?.stop();
    redisProxy?.stop();
    await redis?.stop();
    await sql?.end({ timeout: 1 });
    await drop?.();
  });

  /** Rows PostgreSQL holds for the poll (read directly, not through the proxy). */
  const rows = async (pollId: string): Promise<number> =>
    Number((await sql`SELECT count(*)::int AS n FROM responses WHERE poll_id = ${pollId}`)[0].n);

  const newClass = async (n: number) => {
    // A drill that failed half-way must not fail the next one: every fault is healed first.
    pgProxy.restore();
    if (redisProxy.isCut) redisProxy.restore();
    for (const node of cluster.nodes) if (!node.running) await node.restart();
    const teacher = await Teacher.signUp(cluster.url);
    const students = await classOf(cluster.url, cluster.wsUrl, teacher, n);
    everyone.push(...students);
    return { teacher, students };
  };

  const ackedFor = (students: Student[], pollId: string) =>
    students.reduce((n, s) => n + [...s.acked.values()].filter((a) => a.pollId === pollId).length, 0);

  test('kill a node mid-poll (SIGKILL): its students are back through nginx within seconds, no acknowledged vote is lost, the timer still closes the poll', async () => {
    const { teacher, students } = await newClass(24);
    // The node with the most students is the victim.
    const counts = await Promise.all(
      cluster.nodes.map(async (_, i) =>
        sample(await metricsOf(cluster, i), 'handsup_sockets{role="student"}'),
      ),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(24);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
    const victim = cluster.nodes[counts.indexOf(Math.max(...counts))];

    const pollId = await teacher.choicePoll();
    const opened = await teacher.open(pollId, 12);
    const closesAt = new Date(opened.closesAt).getTime();
    await eventually(() => students.every((s) => s.opened.has(pollId)), 5000, 'everyone sees the poll');

    // Half vote and are acknowledged; the other half vote as the node dies (some in flight on it).
    const first = students.slice(0, 12);
    expect(await Promise.all(first.map((s, i) => s.vote(pollId, pick(i))))).toEqual(
      first.map(() => ({ ok: true })),
    );
    // The poll engine's metrics moved (summed over the nodes' own /metrics).
    await Bun.sleep(200); // results frames are coalesced (at most 10 a second)
    const texts = await Promise.all(cluster.nodes.map((_, i) => metricsOf(cluster, i)));
    const sum = (series: string) => texts.reduce((n, t) => n + sample(t, series), 0);
    expect(sum('handsup_votes_accepted_total')).toBeGreaterThanOrEqual(12);
    expect(sum('handsup_messages_in_total{type="vote.cast"}')).toBeGreaterThanOrEqual(12);
    expect(sum('handsup_messages_out_total{type="vote.accepted"}')).toBeGreaterThanOrEqual(12);
    expect(sum('handsup_messages_out_total{type="results.updated"}')).toBeGreaterThan(0);
    expect(sum('handsup_vote_ack_seconds_count')).toBeGreaterThanOrEqual(12);
    expect(sum('handsup_broadcast_seconds_count')).toBeGreaterThan(0);
    expect(sum('handsup_open_polls')).toBeGreaterThanOrEqual(2); // one room per node with students
    const rest = students.slice(12);
    const votes = rest.map((s, i) => s.vote(pollId, pick(i + 12)));
    const killedAt = performance.now();
    await victim.kill('SIGKILL');

    const moved = () => students.filter((s) => s.closeCodes.length > 0);
    await eventually(() => moved().length === counts[victim.index], 5000, 'the victim’s sockets close');
    await Bun.sleep(200);
    expect(moved().length).toBe(counts[victim.index]);
    await eventually(
      () => moved().every((s) => s.ready),
      10_000,
      'the victim’s students reconnect through nginx',
    );
    report(`SIGKILL → ${moved().length} students back with a snapshot`, performance.now() - killedAt);
    expect(moved().every((s) => s.snapshots >= 2)).toBe(true);

    expect(await Promise.all(votes)).toEqual(rest.map(() => ({ ok: true })));
    expect(ackedFor(students, pollId)).toBe(24);
    expect(await rows(pollId)).toBe(24);

    // The poll's timer closes it though one node is gone (a room's timer or a sweeper elsewhere).
    await eventually(
      () => students.every((s) => s.closed.has(pollId)),
      Math.max(0, closesAt - Date.now()) + 5000,
      'poll.closed reaches everyone',
    );
    const closed = students[0].closed.get(pollId);
    expect(closed.closedAt).toBe(closesAt);
    await eventually(
      () => students.every((s) => s.total(pollId) === 24),
      5000,
      'everyone’s final results count 24',
    );
    expect(await rows(pollId)).toBe(24);

    await victim.restart();
  }, 60_000);

  test('restart Redis mid-session: /readyz says so, votes still count, delivery resumes on every node, nothing acknowledged is lost', async () => {
    const { teacher, students } = await newClass(12);
    const first = await teacher.choicePoll('Before the outage');
    await teacher.open(first);
    await eventually(() => students.every((s) => s.opened.has(first)), 5000, 'everyone sees the first poll');
    expect(await Promise.all(students.slice(0, 6).map((s, i) => s.vote(first, pick(i))))).toEqual(
      students.slice(0, 6).map(() => ({ ok: true })),
    );

    const stoppedAt = performance.now();
    await redis.stop();
    // Every node reports Redis down, and is taken out of rotation by its readiness check.
    await eventually(
      async () =>
        (await Promise.all(cluster.nodes.map((_, i) => readyz(cluster, i)))).every(
          (r) => r.status === 503 && r.body?.redis === 'failing' && r.body?.db === 'ok',
        ),
      5000,
      '/readyz reports Redis down on every node',
    );
    report('Redis stopped → every /readyz 503', performance.now() - stoppedAt);

    // Votes during the outage are durable in PostgreSQL, so they are still acknowledged.
    const during = students.slice(6);
    expect(await Promise.all(during.map((s, i) => s.vote(first, pick(i + 6))))).toEqual(
      during.map(() => ({ ok: true })),
    );
    expect(await rows(first)).toBe(12);

    const again = await startPrivateRedis(redis.port);
    redis = again;
    const restartedAt = performance.now();
    await eventually(
      async () =>
        (await Promise.all(cluster.nodes.map((_, i) => readyz(cluster, i)))).every((r) => r.status === 200),
      10_000,
      'every node ready again',
    );
    report('Redis back → every /readyz 200', performance.now() - restartedAt);
    // The outage's votes reach every node's tally (the rooms' recount repairs what the bus missed).
    await eventually(
      () => students.every((s) => s.total(first) === 12),
      10_000,
      'everyone counts 12 on poll 1',
    );

    // Realtime delivery resumed: a poll opened now reaches students on every node, and votes cast on
    // one node show on all of them.
    await teacher.close(first);
    const second = await teacher.choicePoll('After the outage');
    const openedAt = performance.now();
    await teacher.open(second);
    await eventually(
      () => students.every((s) => s.opened.has(second)),
      4000,
      'everyone sees the second poll',
    );
    report('poll.opened after the Redis restart reached every student', performance.now() - openedAt);
    expect(await Promise.all(students.map((s, i) => s.vote(second, pick(i))))).toEqual(
      students.map(() => ({ ok: true })),
    );
    await eventually(
      () => students.every((s) => s.total(second) === 12),
      4000,
      'everyone counts 12 on poll 2',
    );
    expect(await rows(first)).toBe(12);
    expect(await rows(second)).toBe(12);
    expect(ackedFor(students, first) + ackedFor(students, second)).toBe(24);
    await teacher.close(second);
  }, 60_000);

  test('Redis unreachable for a moment, its data kept: votes count, and what the bus and the results cache missed reaches every node within seconds', async () => {
    const { teacher, students } = await newClass(9);
    const poll = await teacher.choicePoll('Through a Redis blip');
    await teacher.open(poll);
    await eventually(() => students.every((s) => s.opened.has(poll)), 5000, 'everyone sees the poll');
    expect(await Promise.all(students.slice(0, 3).map((s, i) => s.vote(poll, pick(i))))).toEqual(
      [0, 1, 2].map(() => ({ ok: true })),
    );
    await eventually(() => students.every((s) => s.total(poll) === 3), 4000, 'everyone counts 3');

    // Cut every Redis connection: the votes' events and their running-results cache writes are lost,
    // but Redis still holds the round's cached answers from before — now missing these votes.
    redisProxy.cut();
    const during = students.slice(3);
    expect(await Promise.all(during.map((s, i) => s.vote(poll, pick(i + 3))))).toEqual(
      during.map(() => ({ ok: true })),
    );
    redisProxy.restore();
    const restoredAt = performance.now();
    // The nodes that saw a cache write or read fail rebuild from PostgreSQL and re-seed the cache, so
    // every node counts all 9 well before the periodic database recount (30 s) would.
    await eventually(() => students.every((s) => s.total(poll) === 9), 15_000, 'everyone counts 9');
    report(
      'Redis connections cut and restored → every student counts every vote',
      performance.now() - restoredAt,
    );
    expect(await rows(poll)).toBe(9);
    await teacher.close(poll);
  }, 60_000);

  test('PostgreSQL unavailable for a few seconds: votes are refused as retryable, never acknowledged meanwhile; afterwards all of them count, without restarts', async () => {
    const { teacher, students } = await newClass(10);
    const pollId = await teacher.choicePoll();
    await teacher.open(pollId);
    await eventually(() => students.every((s) => s.opened.has(pollId)), 5000, 'everyone sees the poll');
    const before = students.slice(0, 5);
    expect(await Promise.all(before.map((s, i) => s.vote(pollId, pick(i))))).toEqual(
      before.map(() => ({ ok: true })),
    );

    pgProxy.cut();
    const cutAt = performance.now();
    const during = students.slice(5);
    const votes = during.map((s, i) => s.vote(pollId, pick(i + 5)));
    await eventually(
      () => during.every((s) => s.retryable.includes('unavailable')),
      5000,
      'every vote refused with the retryable code unavailable',
    );
    report('PostgreSQL cut → votes refused as unavailable', performance.now() - cutAt);
    const rejected = (await Promise.all(cluster.nodes.map((_, i) => metricsOf(cluster, i)))).reduce(
      (n, t) => n + sample(t, 'handsup_votes_rejected_total{reason="unavailable"}'),
      0,
    );
    expect(rejected).toBeGreaterThanOrEqual(5);
    const r = await readyz(cluster, 0);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ db: 'failing', redis: 'ok' });
    // Refused, re-sent, refused again: nothing is acknowledged while the database is down.
    await Bun.sleep(2000);
    expect(during.every((s) => s.hasPending && s.acked.size === 0)).toBe(true);
    expect(during.every((s) => s.ready)).toBe(true); // sockets stay open

    pgProxy.restore();
    const restoredAt = performance.now();
    expect(await Promise.all(votes)).toEqual(during.map(() => ({ ok: true })));
    report('PostgreSQL back → every re-sent vote acknowledged', performance.now() - restoredAt);
    expect(await rows(pollId)).toBe(10);
    await eventually(() => students.every((s) => s.total(pollId) === 10), 8000, 'everyone counts 10');
    await eventually(
      async () =>
        (await Promise.all(cluster.nodes.map((_, i) => readyz(cluster, i)))).every((x) => x.status === 200),
      5000,
      'every node ready again',
    );
    // Everything else works again too, on the same processes.
    await teacher.close(pollId);
    await eventually(() => students.every((s) => s.closed.has(pollId)), 5000, 'poll.closed reaches everyone');
    expect(cluster.nodes.every((n) => n.running)).toBe(true);
  }, 60_000);

  test('rolling restart (SIGTERM, wait ready, next) during a live poll loses no acknowledged vote', async () => {
    const { teacher, students } = await newClass(30);
    const pollId = await teacher.choicePoll();
    await teacher.open(pollId);
    await eventually(() => students.every((s) => s.opened.has(pollId)), 5000, 'everyone sees the poll');

    // Votes keep coming during the whole restart: one student every 250 ms.
    const votes: Promise<{ ok: boolean }>[] = [];
    let stop = false;
    const voting = (async () => {
      for (const [i, s] of students.entries()) {
        if (stop) break;
        votes.push(s.vote(pollId, pick(i)));
        await Bun.sleep(550);
      }
    })();
    const startedAt = performance.now();
    for (const node of cluster.nodes) {
      const t0 = performance.now();
      expect(await node.kill('SIGTERM')).toBe(0);
      await node.restart();
      // The operator's procedure (README): the next node goes down only once the balancer sends
      // requests to this one again (nginx retries a failed node after fail_timeout, 5 s).
      await backInRotation(cluster, node.index);
      report(
        `rolling restart: node ${node.index + 1} down, ready and back in rotation`,
        performance.now() - t0,
      );
    }
    report('rolling restart of 3 nodes', performance.now() - startedAt);
    await voting;
    stop = true;
    expect(votes.length).toBe(30);
    await eventually(() => students.every((s) => !s.hasPending), 15_000, 'every vote answered').catch(
      (e: Error) => {
        const waiting = students.filter((s) => s.hasPending);
        throw new Error(
          `${e.message} — ${waiting.map((s) => `${s.name} ready=${s.ready} closes=${s.closeCodes.join('/')} retryable=${s.retryable.join('/')}`).join('; ')}`,
        );
      },
    );
    expect(await Promise.all(votes)).toEqual(students.map(() => ({ ok: true })));
    expect(students.filter((s) => s.snapshots >= 2).length).toBeGreaterThan(0);
    expect(await rows(pollId)).toBe(30);
    await eventually(() => students.every((s) => s.total(pollId) === 30), 10_000, 'everyone counts 30');
  }, 90_000);
});
