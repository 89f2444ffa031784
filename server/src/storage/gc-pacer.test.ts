import { expect, test } from 'bun:test';
import { openDatabase } from './database.ts';
import { GcPacer, gcPacer } from './gc-pacer.ts';

test('JSC counts a WebAssembly memory twice (the reason for the pacer; if this changes, revisit it)', async () => {
  // In a fresh process, so no other test's garbage moves the figure.
  const script = `
    const { heapStats } = require('bun:jsc');
    Bun.gc(true);
    const before = heapStats().extraMemorySize;
    const memory = new WebAssembly.Memory({ initial: 512 });
    new Uint8Array(memory.buffer)[0] = 1;
    Bun.gc(true);
    console.log(JSON.stringify({ counted: heapStats().extraMemorySize - before, size: memory.buffer.byteLength }));`;
  const proc = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe' });
  const { counted, size } = JSON.parse(await new Response(proc.stdout).text());
  expect(size).toBe(32 * 1024 * 1024);
  expect(counted).toBeGreaterThanOrEqual(2 * size);
});

test('one timer however many hold it, collecting at its interval until the last lets go', async () => {
  let collections = 0;
  const pacer = new GcPacer(() => collections++, 10);
  expect(pacer.running).toBe(false);
  const releaseA = pacer.hold();
  const releaseB = pacer.hold();
  await Bun.sleep(105);
  expect(collections).toBeGreaterThanOrEqual(5);
  expect(collections).toBeLessThanOrEqual(11); // one timer, not two
  releaseA();
  releaseA(); // a second release of the same hold changes nothing
  expect(pacer.running).toBe(true);
  releaseB();
  expect(pacer.running).toBe(false);
  const stopped = collections;
  await Bun.sleep(30);
  expect(collections).toBe(stopped);
});

test('an open embedded database holds the process pacer; closing it lets go', async () => {
  const before = gcPacer.held;
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    expect(gcPacer.held).toBe(before + 1);
    expect(gcPacer.running).toBe(true);
  } finally {
    await db.close();
  }
  expect(gcPacer.held).toBe(before);
}, 120_000);
