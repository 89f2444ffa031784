/**
 * One simulated classroom over the real protocol: a teacher signs up, creates a live session with one
 * single-choice poll (results visible live); N students join by code over REST and connect over
 * WebSocket; the teacher opens the poll; every student answers at a random moment in the window.
 * Targets: Handsup (REST + /ws) or the raw baseline server (WebSocket only, same fan-out and pacing).
 */
import { PROTOCOL_VERSION } from '@handsup/protocol';
import { newRecord, type StudentRecord } from './measure.ts';
import { percentile, round1 } from './stats.ts';

const CONNECT_BATCH = 100;

export interface ClassroomResult {
  records: StudentRecord[];
  connected: number;
  connectS: number;
  openStartedAt: number | null;
  restMs: number[];
}

async function timed<T>(restMs: number[], f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    restMs.push(performance.now() - t);
  }
}

async function api<T>(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      origin: base,
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} -> ${res.status} ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

interface Student {
  record: StudentRecord;
  ws: WebSocket | null;
}

function openSocket(url: string, onMessage: (raw: string) => void, hello?: unknown): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error('connect timeout')), 30_000);
    ws.onopen = () => {
      if (hello) ws.send(JSON.stringify(hello));
      else {
        clearTimeout(timer);
        resolve(ws);
      }
    };
    ws.onmessage = (ev) => {
      const raw = ev.data as string;
      if (hello && frameType(raw) === 'session.snapshot') {
        clearTimeout(timer);
        resolve(ws);
      }
      onMessage(raw);
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error('socket error'));
    };
  });
}

/** A number field of a flat JSON frame, read without parsing it (first occurrence), or null. */
function numberField(raw: string, key: string): number | null {
  const at = raw.indexOf(`"${key}":`);
  if (at < 0) return null;
  let i = at + key.length + 3;
  let n = 0;
  let digits = 0;
  for (let c = raw.charCodeAt(i); c >= 48 && c <= 57; c = raw.charCodeAt(++i), digits++) n = n * 10 + c - 48;
  return digits ? n : null;
}

/** The frame's `type`, read without parsing it. */
function frameType(raw: string): string {
  const at = raw.indexOf('"type":"');
  return at < 0 ? '' : raw.slice(at + 8, raw.indexOf('"', at + 8));
}

/**
 * Records one frame. Results frames — 5,000 per broadcast, the bulk of what the load generator reads —
 * are read by field, not parsed whole, so the generator's own cost does not swamp what it measures.
 */
function recordFrame(r: StudentRecord, raw: string, clientMsgId: string) {
  const now = Date.now();
  const type = frameType(raw);
  if (type === 'results.updated') {
    const sent = numberField(raw, 'now');
    if (sent !== null) r.push.push(now - sent);
    r.frames.push([now, numberField(raw, 'total') ?? numberField(raw, 'answeredCount') ?? 0]);
    return;
  }
  const msg = JSON.parse(raw) as Record<string, unknown>;
  if (typeof msg.now === 'number' && msg.type !== 'session.snapshot') r.push.push(now - msg.now);
  switch (msg.type) {
    case 'poll.opened':
      r.openedAt ??= now;
      break;
    case 'vote.accepted':
      if (msg.clientMsgId === clientMsgId) r.ackAt ??= now;
      break;
    case 'vote.rejected':
    case 'error':
      r.errors++;
      break;
  }
}

async function inBatches<T>(n: number, f: (i: number) => Promise<T>): Promise<(T | Error)[]> {
  const out: (T | Error)[] = [];
  for (let i = 0; i < n; i += CONNECT_BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, (_, k) => f(i + k).catch((e: Error) => e)),
    );
    out.push(...batch);
  }
  return out;
}

function scheduleAnswers(students: Student[], windowS: number, send: (s: Student, i: number) => void) {
  const start = Date.now();
  return Promise.all(
    students.map(
      (s, i) =>
        new Promise<void>((resolve) => {
          if (!s.ws) return resolve();
          setTimeout(
            () => {
              s.record.sentAt = Date.now();
              send(s, i);
              resolve();
            },
            Math.random() * windowS * 1000,
          );
        }),
    ),
  ).then(() => Date.now() - start);
}

async function settle(students: Student[], expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const acked = students.filter((s) => s.record.ackAt !== null).length;
    const lastFramesFull = students.every((s) => !s.ws || (s.record.frames.at(-1)?.[1] ?? 0) >= acked);
    if (acked >= expected && lastFramesFull) return;
    await Bun.sleep(100);
  }
}

/** Runs the classroom against a Handsup base URL. */
export async function runHandsupClassroom(
  base: string,
  n: number,
  windowS: number,
  options: number,
): Promise<ClassroomResult> {
  const restMs: number[] = [];
  const suffix = Math.random().toString(36).slice(2, 8);
  const auth = await api<{ accessToken: string }>(base, '/api/auth/sign-up', {
    body: {
      email: `bench-${suffix}@example.edu`,
      password: `bench-password-${suffix}`,
      displayName: 'Bench Teacher',
    },
  });
  const token = auth.accessToken;
  const session = await api<{ id: string; joinCode: string }>(base, '/api/sessions', {
    body: { title: `Bench ${suffix}` },
    token,
  });
  const optionIds = Array.from({ length: options }, (_, i) => `o${i}`);
  const poll = await timed(restMs, () =>
    api<{ id: string }>(base, `/api/sessions/${session.id}/polls`, {
      token,
      body: {
        prompt: 'Which option?',
        content: { type: 'single_choice', options: optionIds.map((id) => ({ id, text: `Option ${id}` })) },
        settings: { resultsVisibility: 'live', allowAnswerChange: false },
      },
    }),
  );
  await api(base, `/api/sessions/${session.id}/start`, { method: 'POST', token });

  const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;
  const students: Student[] = Array.from({ length: n }, () => ({ record: newRecord(), ws: null }));
  const clientMsgIds = students.map((_, i) => `bench-${suffix}-${i}`);
  const t0 = performance.now();
  await inBatches(n, async (i) => {
    const joined = await timed(restMs, () =>
      api<{ participantToken: string }>(base, `/api/join/${session.joinCode}`, {
        body: { displayName: `Student ${i}` },
      }),
    );
    students[i].ws = await openSocket(wsUrl, (m) => recordFrame(students[i].record, m, clientMsgIds[i]), {
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      token: joined.participantToken,
      sessionId: session.id,
    });
  });
  const connectS = (performance.now() - t0) / 1000;
  const teacher = await openSocket(wsUrl, () => {}, {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    token,
    sessionId: session.id,
  });
  const openStartedAt = Date.now();
  teacher.send(JSON.stringify({ type: 'poll.open', pollId: poll.id }));
  await Bun.sleep(300);
  await scheduleAnswers(students, windowS, (s, i) => {
    s.ws!.send(
      JSON.stringify({
        type: 'vote.cast',
        pollId: poll.id,
        clientMsgId: clientMsgIds[i],
        value: { type: 'single_choice', optionId: optionIds[i % options] },
      }),
    );
  });
  const connected = students.filter((s) => s.ws).length;
  await settle(students, connected, 30_000);
  for (const s of students) s.ws?.close();
  teacher.close();
  // Figures are over the students who got in; the ones who did not are counted as errors.
  return {
    records: students.filter((s) => s.ws).map((s) => s.record),
    connected,
    connectS,
    openStartedAt,
    restMs,
  };
}

/** Runs the same answering pattern against the raw baseline server. */
export async function runBaselineClassroom(
  base: string,
  n: number,
  windowS: number,
  options: number,
): Promise<ClassroomResult> {
  const wsUrl = base.replace(/^http/, 'ws');
  const students: Student[] = Array.from({ length: n }, () => ({ record: newRecord(), ws: null }));
  const ids = students.map((_, i) => `base-${i}`);
  const t0 = performance.now();
  await inBatches(n, async (i) => {
    students[i].ws = await openSocket(wsUrl, (m) => recordFrame(students[i].record, m, ids[i]));
  });
  const connectS = (performance.now() - t0) / 1000;
  await scheduleAnswers(students, windowS, (s, i) => {
    s.ws!.send(
      JSON.stringify({ type: 'vote.cast', clientMsgId: ids[i], value: { optionId: `o${i % options}` } }),
    );
  });
  const connected = students.filter((s) => s.ws).length;
  await settle(students, connected, 30_000);
  for (const s of students) s.ws?.close();
  return {
    records: students.filter((s) => s.ws).map((s) => s.record),
    connected,
    connectS,
    openStartedAt: null,
    restMs: [],
  };
}

export const restP99 = (ms: number[]) => round1(percentile(ms, 99));
