import { expect, test } from 'bun:test';
import type { Presence } from '@handsup/protocol';
import { describeCrossNode, eventually } from '../crossnode/cross-node-matrix.ts';
import type { PresenceEntry, Presence as PresenceRegistry } from '../crossnode/index.ts';
import { RoomPresence } from './room-presence.ts';

const student = (connectionId: string, nodeId: string, participantId: string): PresenceEntry => ({
  connectionId,
  nodeId,
  role: 'student',
  participantId,
});

describeCrossNode('Room presence', (cluster) => {
  test('counts each student once across nodes, not teachers; answered comes from the poll on screen', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.presence.join('s1', student('c1', 'node-a', 'p1'));
    await b.presence.join('s1', student('c2', 'node-b', 'p1')); // p1's second tab, on the other node
    await b.presence.join('s1', student('c3', 'node-b', 'p2'));
    await a.presence.join('s1', { connectionId: 't1', nodeId: 'node-a', role: 'teacher' });
    const room = new RoomPresence(
      's1',
      a.presence,
      () => ['p2'],
      () => true,
      () => {},
    );
    expect(await room.now()).toEqual({ connected: 2, answered: 1, answeredParticipantIds: ['p2'] });
  });

  test('sends coalesced frames to the teachers only while one is connected', async () => {
    const a = await cluster.node();
    await a.presence.join('s2', student('c1', 'node-a', 'p1'));
    const sent: Presence[] = [];
    let teachers = false;
    const room = new RoomPresence(
      's2',
      a.presence,
      () => [],
      () => teachers,
      ({ type, ...p }) => {
        expect(type).toBe('presence.updated');
        sent.push(p);
      },
    );
    room.request();
    await Bun.sleep(50);
    expect(sent).toEqual([]); // nobody to tell
    teachers = true;
    for (let i = 0; i < 5; i++) room.request();
    await eventually(() => sent.length > 0);
    await Bun.sleep(50);
    expect(sent).toEqual([{ connected: 1, answered: 0, answeredParticipantIds: [] }]); // five asks, one frame
    room.stop();
  });

  test('when the registry cannot be read, the last figures stand, not zeros', async () => {
    const a = await cluster.node();
    await a.presence.join('s3', student('c1', 'node-a', 'p1'));
    let down = false;
    const registry: PresenceRegistry = {
      join: (s, e) => a.presence.join(s, e),
      leave: (s, c) => a.presence.leave(s, c),
      heartbeat: (n) => a.presence.heartbeat(n),
      list: (s) => (down ? Promise.reject(new Error('registry unreachable')) : a.presence.list(s)),
    };
    const room = new RoomPresence(
      's3',
      registry,
      () => ['p1'],
      () => true,
      () => {},
    );
    expect((await room.now()).connected).toBe(1);
    down = true;
    expect(await room.now()).toEqual({ connected: 1, answered: 1, answeredParticipantIds: ['p1'] });
  });
});
