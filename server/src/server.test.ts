import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { ERROR_CATALOG } from '@handsup/protocol';
import { describeWith, REDIS_TEST_URL, uniqueName } from './testing/services.ts';
import { createPostgresDatabase } from './testing/storage-matrix.ts';
import { RUNTIME_ENV } from './runtime-env.ts';
import { freePort, spawnServer, startPrivateRedis, tempDir } from './testing/processes.ts';

const WRITER = join(import.meta.dir, 'testing', 'crash-writer.ts');

/** Whether the server on `port` answers /readyz with 200 within `ms`. */
async function readyWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await Bun.sleep(100);
  }
  return false;
}

describe('the embedded server process', () => {
  test('serves the home page, health and readiness on one port', async () => {
    const s = await spawnServer({ HANDSUP_DATA_DIR: tempDir() });
    try {
      await s.waitReady();
      const ready = await (await fetch(`${s.url}/readyz`)).json();
      expect(ready).toMatchObject({ status: 'ready', db: 'ok', redis: 'not_configured', dbKind: 'pglite' });
      expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const home = await fetch(`${s.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Handsup');
      const missing = await fetch(`${s.url}/api/definitely-not-here`);
      expect(missing.status).toBe(404);
      expect((await missing.json()).error.code).toBe('not_found');
      const page404 = await fetch(`${s.url}/definitely-not-here`);
      expect(page404.status).toBe(404);
      expect(page404.headers.get('content-type')).toContain('text/html');
      const spec = await (await fetch(`${s.url}/api/openapi.json`)).json();
      expect(spec.paths['/readyz']).toBeDefined();
      const docs = await (await fetch(`${s.url}/api/docs`)).text();
      expect(docs).toContain('src="/api/docs/scalar.js"');
      expect(docs).not.toMatch(/https?:\/\/(cdn|fonts|unpkg)/);
    } finally {
      await s.kill();
    }
  });

  test('SIGTERM closes WebSockets with a reconnect code and exits 0', async () => {
    const s = await spawnServer({ HANDSUP_DATA_DIR: tempDir() });
    await s.waitReady();
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/ws`);
    await new Promise((r, j) => {
      ws.onopen = r;
      ws.onerror = j;
    });
    const closed = new Promise<number>((r) => {
      ws.onclose = (e) => r(e.code);
    });
    const code = await s.kill('SIGTERM');
    expect(code).toBe(0);
    expect(await closed).toBe(ERROR_CATALOG.server_shutting_down.close);
    const out = await s.output();
    expect(out).toContain('"msg":"stopped"');
    // Started as every supported launcher starts it: nothing to say about its runtime environment.
    expect(out).not.toContain('started without the runtime environment');
  });

  test('a server started without its runtime environment names what is missing, and runs', async () => {
    const env: Record<string, string | undefined> = { ...process.env, HANDSUP_DATA_DIR: tempDir() };
    for (const k of Object.keys(RUNTIME_ENV)) delete env[k];
    const port = await freePort();
    const p = Bun.spawn(['bun', join(import.meta.dir, 'main.ts')], {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'info' },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    try {
      expect(await readyWithin(port, 30_000)).toBe(true);
    } finally {
      p.kill('SIGTERM');
      await p.exited;
    }
    const line = (await new Response(p.stdout).text())
      .split('\n')
      .find((l) => l.includes('started without the runtime environment'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).missing).toEqual(Object.keys(RUNTIME_ENV));
  });

  test('a promise that fails with nobody handling it is logged with its stack, and the server goes on', async () => {
    // The failure comes from a preloaded script once the server is up, as a stray background
    // promise would; without the guard in main.ts, Bun ends the process on it.
    const dir = tempDir();
    const stray = join(dir, 'stray.ts');
    await Bun.write(
      stray,
      `const ready = async () => {
        const up = await fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => r.ok, () => false);
        if (up) setTimeout(() => { Promise.reject(new Error('stray background failure')); }, 200);
        else setTimeout(ready, 100);
      };
      setTimeout(ready, 100);`,
    );
    const port = await freePort();
    const p = Bun.spawn(['bun', '--preload', stray, join(import.meta.dir, 'main.ts')], {
      env: {
        ...RUNTIME_ENV,
        ...process.env,
        HANDSUP_DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const out = new Response(p.stdout).text();
    let code: number;
    try {
      expect(await readyWithin(port, 30_000)).toBe(true);
      await Bun.sleep(1500); // past the failure
      expect(p.exitCode).toBeNull();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      p.kill('SIGTERM');
      code = await p.exited;
    }
    expect(code).toBe(0);
    const line = (await out).split('\n').find((l) => l.includes('unhandled rejection'));
    expect(line).toBeDefined();
    const logged = JSON.parse(line!);
    expect(logged.level).toBe('error');
    expect(logged.err).toMatchObject({ message: 'stray background failure' });
    expect(logged.stack).toContain('stray.ts');
  });

  test('a bad environment value exits non-zero naming the variable', async () => {
    const run = async (env: Record<string, string>) => {
      const p = Bun.spawn(['bun', join(import.meta.dir, 'main.ts')], {
        env: { ...process.env, ...env },
        stderr: 'pipe',
        stdout: 'pipe',
      });
      return { code: await p.exited, err: await new Response(p.stderr).text() };
    };
    const badPort = await run({ PORT: 'abc' });
    expect(badPort.code).toBe(78);
    expect(badPort.err).toContain('PORT="abc" is not a whole number');
    const badDb = await run({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(badDb.code).toBe(78);
    expect(badDb.err).toContain('DATABASE_URL is not a valid URL');
    expect(badDb.err).not.toContain('hunter2');
  });

  test('two processes never open one data directory', async () => {
    const dir = tempDir();
    const a = await spawnServer({ HANDSUP_DATA_DIR: dir });
    await a.waitReady();
    const b = await spawnServer({ HANDSUP_DATA_DIR: dir });
    expect(await b.proc.exited).not.toBe(0);
    expect(await b.output()).toContain('is in use by another Handsup process');
    await a.kill();
  });

  test('a killed process comes back by itself with every committed row', async () => {
    const dir = tempDir();
    const writer = Bun.spawn(['bun', WRITER, dir, '200'], { stdout: 'pipe', stderr: 'inherit' });
    const reader = writer.stdout.getReader();
    let seen = '';
    while (!seen.includes('committed 200')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain('committed 200');
    writer.kill('SIGKILL');
    await writer.exited;
    // The next start finds a stale lock and a stale PGlite postmaster.pid, clears them and recovers.
    const s = await spawnServer({ HANDSUP_DATA_DIR: dir });
    await s.waitReady();
    expect(await s.output()).toContain('recovered the embedded database');
    await s.kill();
    const check = Bun.spawn(['bun', WRITER, dir, 'count'], { stdout: 'pipe' });
    expect((await new Response(check.stdout).text()).trim()).toBe('rows 200');
  });
});

describeWith(['postgres', 'redis'], 'the cluster-shaped server process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  test('with DATABASE_URL and REDIS_URL, /readyz reports both as ok', async () => {
    const { url, drop } = await createPostgresDatabase();
    cleanups.push(drop);
    const s = await spawnServer({
      DATABASE_URL: url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: `${uniqueName('t')}:`,
    });
    try {
      await s.waitReady();
      expect(await (await fetch(`${s.url}/readyz`)).json()).toMatchObject({
        status: 'ready',
        db: 'ok',
        redis: 'ok',
        dbKind: 'postgres',
      });
    } finally {
      await s.kill();
    }
  });

  test('with Redis stopped, /readyz answers 503 naming Redis as failing, and recovers when it returns', async () => {
    const { url, drop } = await createPostgresDatabase();
    cleanups.push(drop);
    const redis = await startPrivateRedis();
    const s = await spawnServer({ DATABASE_URL: url, REDIS_URL: redis.url });
    try {
      await s.waitReady();
      await redis.stop();
      const down = await fetch(`${s.url}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'not_ready', db: 'ok', redis: 'failing' });
      const again = await startPrivateRedis(redis.port);
      cleanups.push(again.stop);
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await fetch(`${s.url}/readyz`)).status;
        if (status !== 200) await Bun.sleep(200);
      }
      expect(status).toBe(200);
    } finally {
      await s.kill();
    }
  });
});
