/**
 * LTI end-to-end support: the mock LMS in a Bun subprocess (mock-lms.ts), a dedicated Handsup with an
 * env-configured admin that registers the mock platform through the admin API, and Chromium profiles
 * with third-party cookies blocked (`profile.cookie_controls_mode = 1` in a fresh user-data directory).
 *
 * Two sites on one machine: the LMS on http://127.0.0.1:PORT, Handsup on http://localhost:PORT
 * (Chromium treats http://localhost as a secure context, so Secure/Partitioned cookies work there).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import {
  BUN,
  createDatabase,
  type HandsupProcess,
  REDIS_URL,
  ROOT,
  startHandsup,
  tempDataDir,
} from './servers.ts';

export const ADMIN = { email: 'lti-admin@example.edu', password: 'cobalt-meadow-41-lantern' };

export interface MockLms {
  origin: string;
  control: string;
  flavor: 'canvas' | 'moodle';
  registration: {
    issuer: string;
    clientId: string;
    name: string;
    authLoginUrl: string;
    authTokenUrl: string;
    jwksUrl: string;
    deploymentIds: string[];
  };
  proc: ChildProcess;
  /** A course page that embeds the launch of this preset user (`teacher`, `student`, …) in an iframe. */
  coursePage(user: string, opts?: { storageTarget?: string; resourceLinkId?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `bun e2e/support/mock-lms.ts` and reads its one JSON line. */
export async function startMockLms(
  toolOrigin: string,
  flavor: 'canvas' | 'moodle' = 'canvas',
): Promise<MockLms> {
  const proc = spawn(BUN, [join(ROOT, 'e2e', 'support', 'mock-lms.ts'), toolOrigin, flavor], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d) => {
    err += String(d);
  });
  const info = await new Promise<Omit<MockLms, 'proc' | 'coursePage' | 'stop'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mock LMS did not start in 20 s:\n${err}`)), 20_000);
    proc.stdout?.on('data', (d) => {
      out += String(d);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mock LMS exited with ${code}:\n${err}`));
    });
  });
  return {
    ...info,
    proc,
    async coursePage(user, opts = {}) {
      const res = await fetch(`${info.control}/course-page`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, ...opts }),
      });
      if (!res.ok) throw new Error(`course page for ${user}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { url: string }).url;
    },
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

export type Shape = 'embedded' | 'cluster';

/** A Handsup of this deployment shape with an env-configured first admin (and extra env). */
export function startLtiHandsup(shape: Shape, env: Record<string, string> = {}): Promise<HandsupProcess> {
  const base: Record<string, string> =
    shape === 'embedded'
      ? { HANDSUP_DATA_DIR: tempDataDir() }
      : { DATABASE_URL: createDatabase(), REDIS_URL, REDIS_PREFIX: `handsup-e2e-lti-${process.pid}:` };
  return startHandsup({
    ...base,
    HANDSUP_ADMIN_EMAIL: ADMIN.email,
    HANDSUP_ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
}

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Signs the admin in and registers the mock platform through the admin API; answers the platform id. */
export async function registerPlatform(handsup: string, lms: MockLms): Promise<string> {
  const { accessToken } = await json<{ accessToken: string }>(
    await fetch(`${handsup}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    }),
    'admin sign-in',
  );
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const platform = await json<{ id: string; status: string }>(
    await fetch(`${handsup}/api/lti/platforms`, {
      method: 'POST',
      headers: auth,
      // The admin API registers platforms as active unless told otherwise; `status` is not part of it.
      body: JSON.stringify({ ...lms.registration, status: undefined }),
    }),
    'register platform',
  );
  if (platform.status !== 'active') {
    await json(
      await fetch(`${handsup}/api/lti/platforms/${platform.id}`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ status: 'active' }),
      }),
      'activate platform',
    );
  }
  return platform.id;
}

export interface BlockedProfile {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent Chromium profile that blocks third-party cookies (as an LMS user's browser might). */
export async function thirdPartyCookiesBlocked(): Promise<BlockedProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'handsup-e2e-profile-'));
  mkdirSync(join(dir, 'Default'), { recursive: true });
  writeFileSync(
    join(dir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 1 } }),
  );
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
