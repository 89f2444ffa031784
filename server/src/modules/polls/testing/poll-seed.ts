/** Test fixtures for the poll engine's storage tests: a live session with draft polls, and a lifecycle. */
import { createCrossNode } from '../../../crossnode/index.ts';
import { createLogger } from '../../../observability/logger.ts';
import type { Database } from '../../../storage/database.ts';
import { PollLifecycle } from '../lifecycle-service.ts';

const content = JSON.stringify({ type: 'true_false' });
const settings = JSON.stringify({
  resultsVisibility: 'live',
  allowAnswerChange: false,
  anonymity: 'inherit',
});

export async function seed(db: Database, polls: number) {
  const [s] = await db.query<{ id: string }>(
    `INSERT INTO sessions (title, join_code, status) VALUES ('S', $1, 'live') RETURNING id`,
    [crypto.randomUUID().slice(0, 8)],
  );
  const ids: string[] = [];
  for (let i = 0; i < polls; i++) {
    const [p] = await db.query<{ id: string }>(
      `INSERT INTO polls (session_id, position, type, prompt, content, settings) VALUES ($1, $2, 'true_false', 'Q', $3::jsonb, $4::jsonb) RETURNING id`,
      [s.id, i, content, settings],
    );
    ids.push(p.id);
  }
  return { sessionId: s.id, pollIds: ids };
}

export const lifecycleOn = async (database: Database, now = () => Date.now()) => {
  const crossNode = await createCrossNode({ redisUrl: null, nodeId: 'n' });
  return new PollLifecycle({ database, crossNode, clock: { now }, log: createLogger('silent') });
};
