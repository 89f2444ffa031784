import { expect, test } from 'bun:test';
import { describeCrossNode, eventually } from './cross-node-matrix.ts';

describeCrossNode('Cache', (cluster) => {
  test('returns on one node a copy of what another node stored', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const poll = { id: 'p1', options: ['a', 'b'], closesAt: null };
    await a.cache.set('poll:s1', poll, 5_000);
    const read = await b.cache.get<typeof poll>('poll:s1');
    expect(read).toEqual(poll);
    expect(read).not.toBe(poll);
    expect(await b.cache.get('never-set')).toBeUndefined();
  });

  test('overwrites a value and its TTL', async () => {
    const a = await cluster.node();
    await a.cache.set('over', 1, 50);
    await a.cache.set('over', 2, 5_000);
    await Bun.sleep(80);
    expect(await a.cache.get<number>('over')).toBe(2);
  });

  test('forgets a value once its TTL has passed', async () => {
    const a = await cluster.node();
    await a.cache.set('short', { v: 1 }, 100);
    expect(await a.cache.get('short')).toEqual({ v: 1 });
    const setAt = Date.now();
    await eventually(async () => (await a.cache.get('short')) === undefined, 1_000);
    expect(Date.now() - setAt).toBeGreaterThanOrEqual(80);
  });

  test('delete removes the value for every node', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.cache.set('gone', 'x', 5_000);
    await b.cache.delete('gone');
    expect(await a.cache.get('gone')).toBeUndefined();
    await b.cache.delete('gone');
  });
});
