import { expect, test } from 'bun:test';
import { createCrossNode } from './index.ts';

test('without a Redis URL the state is in process, and always ready', async () => {
  const node = await createCrossNode({ redisUrl: null, nodeId: 'solo' });
  expect(node.kind).toBe('memory');
  await node.ping(10);
  await node.close();
});
