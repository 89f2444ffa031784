import { expect, test } from 'bun:test';
import { describeCrossNode } from './cross-node-matrix.ts';

describeCrossNode('Counters', (cluster) => {
  test('starts at 1 and counts each key on its own', async () => {
    const a = await cluster.node();
    expect(await a.counters.next('version:s1')).toBe(1);
    expect(await a.counters.next('version:s1')).toBe(2);
    expect(await a.counters.next('version:s2')).toBe(1);
  });

  test('hands out strictly increasing values from nodes taking turns', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) seen.push(await (i % 2 ? a : b).counters.next('turns'));
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('never hands out one value twice under concurrency from two nodes', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const values = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).counters.next('concurrent')),
    );
    expect(new Set(values).size).toBe(200);
    expect(values.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
