/**
 * The one way tests wait for something that happens asynchronously (a frame, a node noticing, a
 * checkpoint): poll `check` every 20 ms until it returns something truthy, and return that. After
 * `timeoutMs` it fails, naming `what` and the last error `check` threw, if any.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition not met',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(20);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms: ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}
