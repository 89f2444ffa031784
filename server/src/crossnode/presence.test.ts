import { expect, test } from 'bun:test';
import { describeCrossNode, eventually, sleep } from './cross-node-matrix.ts';
import type { CrossNode, PresenceEntry } from './ports.ts';

const entry = (connectionId: string, nodeId: string, extra: Partial<PresenceEntry> = {}): PresenceEntry => ({
  connectionId,
  nodeId,
  role: 'student',
  ...extra,
});

const ids = async (node: CrossNode, sessionId: string) =>
  (await node.presence.list(sessionId)).map((e) => e.connectionId).sort();

describeCrossNode('Presence', (cluster) => {
  test('lists the connections joined on every node, with their details', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.presence.join('s1', entry('c1', 'node-a', { role: 'teacher' }));
    await b.presence.join('s1', entry('c2', 'node-b', { participantId: 'p2' }));
    await b.presence.join('s2', entry('c3', 'node-b'));
    const listed = await a.presence.list('s1');
    expect(listed.sort((x, y) => x.connectionId.localeCompare(y.connectionId))).toEqual([
      entry('c1', 'node-a', { role: 'teacher' }),
      entry('c2', 'node-b', { participantId: 'p2' }),
    ]);
    expect(await b.presence.list('unknown-session')).toEqual([]);
  });

  test('leave removes only that connection', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.presence.join('leave', entry('c1', 'node-a'));
    await b.presence.join('leave', entry('c2', 'node-b'));
    await b.presence.leave('leave', 'c2');
    expect(await ids(a, 'leave')).toEqual(['c1']);
  });

  test('drops the entries of a node whose heartbeat stopped, within its TTL, and keeps the live ones', async () => {
    const ttl = 300;
    const [live, dead] = [
      await cluster.node({ presenceTtlMs: ttl }),
      await cluster.node({ presenceTtlMs: ttl }),
    ];
    await live.presence.join('expiry', entry('alive', 'live-node'));
    await dead.presence.join('expiry', entry('gone', 'dead-node'));
    const stoppedAt = Date.now();
    expect(await ids(live, 'expiry')).toEqual(['alive', 'gone']);
    const beat = setInterval(() => live.presence.heartbeat('live-node').catch(() => {}), ttl / 4);
    try {
      await eventually(async () => (await ids(live, 'expiry')).length === 1, ttl * 5);
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(ttl - 20);
      expect(await ids(live, 'expiry')).toEqual(['alive']);
      await sleep(ttl);
      expect(await ids(live, 'expiry')).toEqual(['alive']);
    } finally {
      clearInterval(beat);
    }
  });

  test('a node that stalled past its TTL gets its entries back with its next heartbeat', async () => {
    const ttl = 150;
    const [a, b] = [await cluster.node({ presenceTtlMs: ttl }), await cluster.node({ presenceTtlMs: ttl })];
    await b.presence.join('stall', entry('c1', 'stalling-node'));
    await eventually(async () => (await ids(a, 'stall')).length === 0, ttl * 10);
    await b.presence.heartbeat('stalling-node');
    expect(await ids(a, 'stall')).toEqual(['c1']);
  });
});
