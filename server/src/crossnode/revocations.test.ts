import { expect, test } from 'bun:test';
import { describeCrossNode, eventually, sleep } from './cross-node-matrix.ts';

describeCrossNode('Revocations', (cluster) => {
  test('an id revoked on one node is revoked on the other, and every node hears of it', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const heardOnA: string[] = [];
    const heardOnB: string[] = [];
    await a.revocations.onRevoked((id) => heardOnA.push(id));
    await b.revocations.onRevoked((id) => heardOnB.push(id));
    expect(await b.revocations.isRevoked('family:1')).toBe(false);
    await a.revocations.revoke('family:1', 5_000);
    expect(await b.revocations.isRevoked('family:1')).toBe(true);
    expect(await b.revocations.isRevoked('family:2')).toBe(false);
    await eventually(() => heardOnA.length === 1 && heardOnB.length === 1);
    expect([...heardOnA, ...heardOnB]).toEqual(['family:1', 'family:1']);
  });

  test('a revocation expires after its TTL', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.revocations.revoke('short', 100);
    expect(await b.revocations.isRevoked('short')).toBe(true);
    await eventually(async () => !(await b.revocations.isRevoked('short')), 1_000);
  });

  test('a handler that unsubscribed is not called any more', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const kept: string[] = [];
    const dropped: string[] = [];
    await b.revocations.onRevoked((id) => kept.push(id));
    const unsubscribe = await b.revocations.onRevoked((id) => dropped.push(id));
    await unsubscribe();
    await a.revocations.revoke('user:9', 5_000);
    await eventually(() => kept.includes('user:9'));
    await sleep(30);
    expect(dropped).toEqual([]);
  });
});
