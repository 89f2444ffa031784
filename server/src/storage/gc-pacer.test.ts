import { expect, test } from 'bun:test';
import { join } from 'node:path';
import { RUNTIME_ENV } from '../runtime-env.ts';
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

test('work arms one collection per interval, however many hold it; idle, nothing runs', async () => {
  let collections = 0;
  const pacer = new GcPacer(() => collections++, 10, null);
  pacer.touch(); // nobody holds it: no embedded database, nothing to pace
  expect(pacer.pending).toBe(false);
  const releaseA = pacer.hold();
  const releaseB = pacer.hold();
  await Bun.sleep(40);
  expect(collections).toBe(0); // held but idle: never woken
  for (let i = 0; i < 50; i++) pacer.touch(); // a burst of work
  expect(pacer.pending).toBe(true);
  await Bun.sleep(30);
  expect(collections).toBe(1); // one collection for the burst, not one per touch or per holder
  expect(pacer.pending).toBe(false);
  const busy = setInterval(() => pacer.touch(), 2); // steady work: about one collection per interval
  await Bun.sleep(150);
  clearInterval(busy);
  expect(collections).toBeGreaterThanOrEqual(1 + 5);
  expect(collections).toBeLessThanOrEqual(1 + 16); // not one per touch (~75)
  expect(pacer.armed).toBe(collections + (pacer.pending ? 1 : 0));
  releaseA();
  releaseA(); // a second release of the same hold changes nothing
  expect(pacer.held).toBe(1);
  pacer.touch();
  releaseB(); // the last release cancels a collection still due
  expect(pacer.pending).toBe(false);
  const stopped = collections;
  await Bun.sleep(30);
  expect(collections).toBe(stopped);
});

test('a paced collection is a full one once resident memory grew past the threshold, at most one per gap', async () => {
  let young = 0;
  let full = 0;
  let resident = 100;
  let now = 0;
  const pacer = new GcPacer(() => young++, 5, {
    collect: () => {
      full += 1;
      resident -= 6; // what the full collection gave back
    },
    resident: () => resident,
    now: () => now,
    growthBytes: 8,
    minGapMs: 1000,
  });
  const release = pacer.hold(); // the floor: 100
  const paced = async () => {
    pacer.touch();
    await Bun.sleep(20);
    expect(pacer.pending).toBe(false);
    return [young, full];
  };
  resident = 107;
  expect(await paced()).toEqual([1, 0]); // grown 7 < 8: a young collection
  resident = 108;
  now = 10;
  expect(await paced()).toEqual([1, 1]); // grown 8: a full one instead; the floor is now 102
  resident = 130;
  now = 500;
  expect(await paced()).toEqual([2, 1]); // grown 28, but within a second of the last: young
  now = 1010;
  expect(await paced()).toEqual([2, 2]); // a second later: full; floor 124
  resident = 90; // memory went back below the floor (the allocator returned pages): the floor follows
  now = 5000;
  expect(await paced()).toEqual([3, 2]);
  resident = 97;
  expect(await paced()).toEqual([4, 2]); // 7 above the new floor, not 27 below the old one
  resident = 98;
  expect(await paced()).toEqual([4, 3]);
  expect(pacer.fulls).toBe(3);
  release();
});

test('after resident growth the pacer collects everything, freeing what young collections promoted', async () => {
  // In fresh processes, beside a 128 MB WebAssembly memory as PGlite's (JSC counts it twice and so
  // puts off full collections): objects alive at a young collection are old from then on, and only
  // a full collection frees them once they are done — the default pacer runs one, an eden-only one
  // does not.
  const run = async (full: boolean) => {
    const script = `
      const { GcPacer } = await import(${JSON.stringify(join(import.meta.dir, 'gc-pacer.ts'))});
      const { edenGC, heapStats } = await import('bun:jsc');
      const memory = new WebAssembly.Memory({ initial: 2048 });
      new Uint8Array(memory.buffer)[0] = 1;
      const pacer = ${full ? 'new GcPacer()' : 'new GcPacer(edenGC, 100, null)'};
      const release = pacer.hold();
      let inFlight = [];
      for (let i = 0; i < 200_000; i++) inFlight.push({ i, text: 'x'.repeat(32) + i });
      edenGC(); // collected while in flight: promoted
      inFlight = null; // done: dead, but old
      const dead = heapStats().objectCount;
      const kept = new Uint8Array(16 * 1024 * 1024).fill(1); // resident memory grows past the threshold
      pacer.touch();
      await Bun.sleep(250);
      console.log(JSON.stringify({ fulls: pacer.fulls, freed: dead - heapStats().objectCount, kept: kept.length }));
      release();`;
    const proc = Bun.spawn([process.execPath, '-e', script], {
      stdout: 'pipe',
      env: { ...process.env, ...RUNTIME_ENV },
    });
    return JSON.parse(await new Response(proc.stdout).text()) as { fulls: number; freed: number };
  };
  const [withFull, without] = await Promise.all([run(true), run(false)]);
  expect(withFull.fulls).toBe(1);
  expect(withFull.freed).toBeGreaterThan(300_000); // the 200,000 objects and their strings
  expect(without.fulls).toBe(0);
  expect(without.freed).toBeLessThan(100_000);
}, 60_000);

test('an open embedded database holds the process pacer; closing lets go', async () => {
  const before = gcPacer.held;
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    expect(gcPacer.held).toBe(before + 1);
    gcPacer.touch();
    expect(gcPacer.pending).toBe(true);
  } finally {
    await db.close();
  }
  expect(gcPacer.held).toBe(before);
}, 120_000);

test('the embedded server arms the pacer with each request and each WebSocket frame', async () => {
  const { parseConfig } = await import('../config/config.ts');
  const { startServer } = await import('../server.ts');
  const { tempDir } = await import('../testing/processes.ts');
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    HANDSUP_DATA_DIR: tempDir(),
  });
  const running = await startServer(config, { web: false });
  const settle = async () => {
    const deadline = Date.now() + 5_000;
    while (gcPacer.pending && Date.now() < deadline) await Bun.sleep(20);
    expect(gcPacer.pending).toBe(false);
  };
  try {
    // Settled (nothing due), a quiet server arms nothing by itself, not even with its deadline sweeper.
    await settle();
    let armed = gcPacer.armed;
    await Bun.sleep(450);
    expect(gcPacer.armed).toBe(armed);
    await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(gcPacer.armed).toBe(armed + 1);
    const ws = new WebSocket(`ws://127.0.0.1:${running.port}/ws`);
    await new Promise((r, j) => {
      ws.onopen = r;
      ws.onerror = j;
    });
    await settle();
    armed = gcPacer.armed;
    const answered = new Promise((r) => {
      ws.onmessage = r;
    });
    ws.send(JSON.stringify({ type: 'ping' }));
    await answered;
    expect(gcPacer.armed).toBe(armed + 1);
    ws.close();
  } finally {
    await running.stop();
  }
}, 120_000);
