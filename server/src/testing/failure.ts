/**
 * The error a promise rejects with; throws if it resolves. Used instead of `expect(p).rejects`, which
 * in `bun test` never wakes for a promise settled by a Worker's message (oven-sh/bun#43819, #37189) —
 * and the embedded database answers from its own thread.
 */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  throw new Error('expected the promise to reject, but it resolved');
}
