import { expect, test } from 'bun:test';
import { describeCrossNode, eventually } from './cross-node-matrix.ts';
import { createMemoryCrossNode, createMemoryHub } from './memory/index.ts';

describeCrossNode('AnswerCache (running results)', (cluster) => {
  test('a round is not served until it was seeded; then every node reads what any node added', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.answers.put('answers:p1:1', { alice: '"yes"' }, 5_000);
    expect(await b.answers.read('answers:p1:1')).toBeUndefined();
    await b.answers.seed('answers:p1:1', { alice: '"stale"', bob: '"no"' }, 5_000);
    // alice's entry was written after the database read that seeded: it is kept
    expect(await a.answers.read('answers:p1:1')).toEqual({ alice: '"yes"', bob: '"no"' });
    await a.answers.put('answers:p1:1', { bob: '"yes"', carol: '"no"' }, 5_000);
    expect(await b.answers.read('answers:p1:1')).toEqual({ alice: '"yes"', bob: '"yes"', carol: '"no"' });
  });

  test('an empty round can be seeded, and a large one is written whole', async () => {
    const a = await cluster.node();
    await a.answers.seed('answers:empty:1', {}, 5_000);
    expect(await a.answers.read('answers:empty:1')).toEqual({});
    const many = Object.fromEntries(Array.from({ length: 2_500 }, (_, i) => [`p${i}`, `${i}`]));
    await a.answers.seed('answers:many:1', many, 5_000);
    const read = await a.answers.read('answers:many:1');
    expect(Object.keys(read ?? {}).length).toBe(2_500);
    expect(read?.p2499).toBe('2499');
  });

  test('delete (answers cleared) makes every node go back to the database; the TTL does too', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.answers.seed('answers:p2:1', { x: '1' }, 5_000);
    await b.answers.delete('answers:p2:1');
    expect(await a.answers.read('answers:p2:1')).toBeUndefined();
    await a.answers.seed('answers:p3:1', { x: '1' }, 100);
    await eventually(async () => (await a.answers.read('answers:p3:1')) === undefined, 1_000);
  });
});

test('memory: expired rounds are dropped, so a long-running embedded server does not keep them', async () => {
  let now = 1_000_000;
  const hub = createMemoryHub({ now: () => now });
  const node = createMemoryCrossNode({ hub });
  for (let i = 0; i < 50; i++) await node.answers.seed(`answers:old${i}:1`, { p: '1' }, 1_000);
  expect(hub.answers.size).toBe(50);
  now += 2 * 60_000;
  await node.answers.put('answers:new:1', { p: '1' }, 1_000);
  expect([...hub.answers.keys()]).toEqual(['answers:new:1']);
  await node.close();
});
