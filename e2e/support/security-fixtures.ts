/**
 * A classroom built through the REST API (fast): a teacher (signed in inside the browser context, so
 * the pages restore the session from the refresh cookie), a course, a session with polls, students
 * joined by code and their answers cast over the real WebSocket from a page of the same origin.
 */
import type { APIRequestContext, Page } from '@playwright/test';

export const PASSWORD = 'blue-harbour-kettle-42';

export interface Teacher {
  token: string;
  userId: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Signs up through the page's request context: the refresh cookie lands in the browser. */
export async function signUpTeacher(
  page: Page,
  baseURL: string,
  opts: { email?: string; displayName?: string } = {},
): Promise<Teacher> {
  const email = opts.email ?? `t-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.edu`;
  const r = await page.request.post('/api/auth/sign-up', {
    headers: { origin: baseURL },
    data: { email, password: PASSWORD, ...(opts.displayName ? { displayName: opts.displayName } : {}) },
  });
  if (r.status() !== 201) throw new Error(`sign-up: ${r.status()} ${await r.text()}`);
  const body = (await r.json()) as { accessToken: string; user: { id: string } };
  return teacherClient(page.request, body.accessToken, body.user.id);
}

export function teacherClient(request: APIRequestContext, token: string, userId: string): Teacher {
  return {
    token,
    userId,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await request.fetch(path, {
        method,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { data: body }),
      });
      if (r.status() >= 300) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`);
      const text = await r.text();
      return (text ? JSON.parse(text) : null) as T;
    },
  };
}

export interface Joined {
  participantToken: string;
  participantId: string;
  sessionId: string;
}

export async function joinByCode(request: APIRequestContext, code: string, displayName: string) {
  const r = await request.post(`/api/join/${code}`, { data: { displayName } });
  if (r.status() >= 300) throw new Error(`join: ${r.status()} ${await r.text()}`);
  return (await r.json()) as Joined;
}

/** Casts answers over a WebSocket opened by `page` (any page of our origin); resolves when all are accepted. */
export async function castVotes(
  page: Page,
  token: string,
  sessionId: string,
  votes: { pollId: string; value: unknown }[],
): Promise<void> {
  await page.evaluate(
    ({ token, sessionId, votes }) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
        let sent = false;
        let accepted = 0;
        const timer = setTimeout(() => reject(new Error('votes not accepted within 10 s')), 10_000);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', protocolVersion: 1, token, sessionId }));
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data));
          if (m.type === 'session.snapshot' && !sent) {
            sent = true;
            for (const v of votes)
              ws.send(JSON.stringify({ type: 'vote.cast', ...v, clientMsgId: crypto.randomUUID() }));
          } else if (m.type === 'vote.accepted' && ++accepted === votes.length) {
            clearTimeout(timer);
            ws.close();
            resolve();
          } else if (m.type === 'error') {
            clearTimeout(timer);
            reject(new Error(String(e.data)));
          }
        };
      }),
    { token, sessionId, votes },
  );
}

/** A minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF rows). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
