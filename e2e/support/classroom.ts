/**
 * Helpers for page specs: a teacher account and sessions made through the real REST API, axe-core
 * checks, screenshots under e2e/output/screenshots, and votes cast over the real WebSocket from a
 * browser page (the test runner's Node 20 has no WebSocket client).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, expect, type Page, type TestInfo } from '@playwright/test';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'output', 'screenshots');
export const PASSWORD = 'violet-harbor-93-lantern';

export interface Teacher {
  email: string;
  password: string;
  token: string;
}

let counter = 0;
const unique = () =>
  `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Signs a teacher up. With a page's `request`, the refresh cookie lands in that browser context. */
export async function signUpTeacher(request: APIRequestContext, name = 'Ada Lovelace'): Promise<Teacher> {
  const email = `t-${unique()}@example.edu`;
  const res = await request.post('/api/auth/sign-up', {
    data: { email, password: PASSWORD, displayName: name },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return { email, password: PASSWORD, token: (await res.json()).accessToken };
}

type Json = Record<string, string>;

export async function apiCall<T = Json>(
  request: APIRequestContext,
  token: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  data?: unknown,
): Promise<T> {
  const res = await request.fetch(path, { method, data, headers: { authorization: `Bearer ${token}` } });
  expect(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  const type = res.headers()['content-type'] ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export interface SessionInfo {
  id: string;
  joinCode: string;
  polls: { id: string; type: string }[];
}

/** A live session with these polls (drafts), through the REST API. */
export async function liveSession(
  request: APIRequestContext,
  token: string,
  title: string,
  polls: unknown[],
  settings: Record<string, unknown> = { anonymity: 'teacher_only' },
): Promise<SessionInfo> {
  const s = await apiCall(request, token, 'POST', '/api/sessions', { title, settings });
  const made: Json[] = [];
  for (const p of polls) made.push(await apiCall(request, token, 'POST', `/api/sessions/${s.id}/polls`, p));
  await apiCall(request, token, 'POST', `/api/sessions/${s.id}/start`);
  return { id: s.id!, joinCode: s.joinCode!, polls: made.map((p) => ({ id: p.id!, type: p.type! })) };
}

export const openPoll = (request: APIRequestContext, token: string, pollId: string, timerSeconds?: number) =>
  apiCall(request, token, 'POST', `/api/polls/${pollId}/open`, timerSeconds ? { timerSeconds } : {});

/** axe-core in WCAG 2.2 AA mode: no violations allowed. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

/** Saves a named screenshot under e2e/output/screenshots (one per project) and attaches it to the report. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.${info.project.name}.png`);
  await page.screenshot({ path });
  await info.attach(name, { path, contentType: 'image/png' });
}

/** Joins by REST (a guest with a participant token), as a student would through /j/CODE. */
export async function joinAsGuest(request: APIRequestContext, code: string, displayName: string) {
  const res = await request.post(`/api/join/${code}`, { data: { displayName } });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as {
    participantToken: string;
    participantId: string;
    session: { sessionId: string };
  };
}

/**
 * Casts votes through the real protocol from inside a browser page: one WebSocket per participant,
 * hello, then vote.cast, resolved on vote.accepted. Sequential, so each vote is a separate results update.
 */
export async function castVotes(
  page: Page,
  sessionId: string,
  votes: { token: string; pollId: string; value: unknown }[],
  gapMs = 0,
): Promise<void> {
  await page.evaluate(
    async ({ sessionId, votes, gapMs }) => {
      for (const v of votes) {
        await new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
          const id = crypto.randomUUID();
          const timer = setTimeout(() => reject(new Error('vote not accepted in 10 s')), 10_000);
          ws.onopen = () =>
            ws.send(JSON.stringify({ type: 'hello', protocolVersion: 1, token: v.token, sessionId }));
          ws.onmessage = (e) => {
            const m = JSON.parse(e.data);
            if (m.type === 'session.snapshot')
              ws.send(
                JSON.stringify({ type: 'vote.cast', pollId: v.pollId, value: v.value, clientMsgId: id }),
              );
            if (m.type === 'vote.accepted' && m.clientMsgId === id) {
              clearTimeout(timer);
              ws.close();
              resolve();
            }
            if (m.type === 'vote.rejected' || m.type === 'error') reject(new Error(JSON.stringify(m)));
          };
        });
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    },
    { sessionId, votes, gapMs },
  );
}
