import { expect, test } from 'bun:test';
import { describeCrossNode, eventually, sleep } from './cross-node-matrix.ts';

describeCrossNode('EventBus', (cluster) => {
  test('delivers a message published on one node to a subscriber on another, as a JSON copy', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const received: unknown[] = [];
    await b.bus.subscribe('session:1', (m) => received.push(m));
    const message = { type: 'poll.opened', at: new Date(0), missing: undefined };
    await a.bus.publish('session:1', message);
    await eventually(() => received.length === 1);
    expect(received[0]).toEqual({ type: 'poll.opened', at: '1970-01-01T00:00:00.000Z' });
    expect(received[0]).not.toBe(message);
  });

  test('never delivers inside publish: handlers run asynchronously', async () => {
    const a = await cluster.node();
    let calls = 0;
    await a.bus.subscribe('async', () => calls++);
    const published = a.bus.publish('async', 1);
    expect(calls).toBe(0);
    await published;
    await eventually(() => calls === 1);
  });

  test('delivers to every subscriber of the channel on every node, and to no other channel', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const got: string[] = [];
    await a.bus.subscribe('room', () => got.push('a1'));
    await a.bus.subscribe('room', () => got.push('a2'));
    await b.bus.subscribe('room', () => got.push('b'));
    await b.bus.subscribe('other-room', () => got.push('other'));
    await a.bus.publish('room', 'hello');
    await eventually(() => got.length === 3);
    await sleep(30);
    expect(got.sort()).toEqual(['a1', 'a2', 'b']);
  });

  test('stops delivering to a handler once it unsubscribed; unsubscribing twice is harmless', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const kept: unknown[] = [];
    const dropped: unknown[] = [];
    await b.bus.subscribe('unsub', (m) => kept.push(m));
    const unsubscribe = await b.bus.subscribe('unsub', (m) => dropped.push(m));
    await a.bus.publish('unsub', 1);
    await eventually(() => kept.length === 1 && dropped.length === 1);
    await unsubscribe();
    await unsubscribe();
    await a.bus.publish('unsub', 2);
    await eventually(() => kept.length === 2);
    expect(dropped).toEqual([1]);
  });

  test('stops delivery to a node whose last handler of a channel unsubscribed', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const onB: unknown[] = [];
    const onA: unknown[] = [];
    await a.bus.subscribe('last', (m) => onA.push(m));
    const unsubscribe = await b.bus.subscribe('last', (m) => onB.push(m));
    await unsubscribe();
    await a.bus.publish('last', 'x');
    await eventually(() => onA.length === 1);
    await sleep(30);
    expect(onB).toEqual([]);
  });

  test('keeps the order of messages from one publisher', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const got: number[] = [];
    await b.bus.subscribe('ordered', (m) => got.push(m as number));
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.bus.publish('ordered', i)));
    await eventually(() => got.length === 50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('a handler that throws does not keep the message from the others', async () => {
    const a = await cluster.node();
    const got: unknown[] = [];
    const error = console.error;
    console.error = () => {};
    try {
      await a.bus.subscribe('throws', () => {
        throw new Error('boom');
      });
      await a.bus.subscribe('throws', (m) => got.push(m));
      await a.bus.publish('throws', 'still delivered');
      await eventually(() => got.length === 1);
    } finally {
      console.error = error;
    }
  });

  test('stops delivering to a node once it closed', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    await a.bus.subscribe('closing', (m) => onA.push(m));
    await b.bus.subscribe('closing', (m) => onB.push(m));
    await b.close();
    await a.bus.publish('closing', 1);
    await eventually(() => onA.length === 1);
    await sleep(30);
    expect(onB).toEqual([]);
  });
});
