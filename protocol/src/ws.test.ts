import { describe, expect, test } from 'bun:test';
import { parseClientMessage, parseServerMessage } from './ws-parse.ts';
import { MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION } from './ws.ts';

const POLL = '00000000-0000-4000-8000-000000000001';
const SESSION = '00000000-0000-4000-8000-000000000002';
const vote = (value: unknown, extra: object = {}) =>
  JSON.stringify({ type: 'vote.cast', pollId: POLL, value, clientMsgId: 'm-1', ...extra });

describe('parseClientMessage', () => {
  test('accepts a well-formed vote and returns it typed', () => {
    const r = parseClientMessage(vote({ type: 'single_choice', optionId: 'a' }));
    expect(r.ok).toBe(true);
    if (r.ok && r.message.type === 'vote.cast')
      expect(r.message.value).toEqual({ type: 'single_choice', optionId: 'a' });
  });
  test('accepts a hello, with or without lastVersion, and bytes as well as text', () => {
    const hello = { type: 'hello', protocolVersion: PROTOCOL_VERSION, token: 't', sessionId: SESSION };
    expect(parseClientMessage(JSON.stringify(hello)).ok).toBe(true);
    expect(
      parseClientMessage(new TextEncoder().encode(JSON.stringify({ ...hello, lastVersion: 7 }))).ok,
    ).toBe(true);
  });
  test('invalid JSON is malformed_json', () => {
    const r = parseClientMessage('{"type":');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('malformed_json');
  });
  test('an unknown or missing type is validation_failed on the field "type"', () => {
    for (const raw of ['{"type":"poll.delete"}', '{}', '[]', '42']) {
      const r = parseClientMessage(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.field]).toEqual(['validation_failed', 'type']);
    }
  });
  test('a wrong shape names the field at fault, even inside the answer value', () => {
    const cases: [string, string][] = [
      [vote({ type: 'single_choice', optionId: 'a' }, { pollId: 'nope' }), 'pollId'],
      [vote({ type: 'single_choice', optionId: 7 }), 'value.optionId'],
      [vote({ type: 'word_cloud', entries: ['ok', 'x'.repeat(41)] }), 'value.entries.1'],
      [vote({ type: 'rating', value: 3 }, { clientMsgId: 'x'.repeat(65) }), 'clientMsgId'],
      [vote({ type: 'true_false', value: true }, { sneaky: 1 }), 'sneaky'],
      [vote({ type: 'teleport' }), 'value.type'],
    ];
    for (const [raw, field] of cases) {
      const r = parseClientMessage(raw);
      expect(r.ok, raw).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.field], raw).toEqual(['validation_failed', field]);
    }
  });
  test('a frame over the size limit is payload_too_large, before any parsing', () => {
    const r = parseClientMessage(`{"type":"ping","t":"${'x'.repeat(MAX_CLIENT_MESSAGE_BYTES)}"}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('payload_too_large');
  });
  test('the size limit counts UTF-8 bytes, not characters', () => {
    const text = 'é'.repeat(MAX_CLIENT_MESSAGE_BYTES / 2);
    const r = parseClientMessage(`{"type":"ping","t":"${text}"}`);
    expect(r.ok ? 'ok' : r.error.code).toBe('payload_too_large');
  });
  test('teacher commands carry their limits (extend by at most an hour)', () => {
    expect(parseClientMessage(JSON.stringify({ type: 'poll.extend', pollId: POLL, seconds: 30 })).ok).toBe(
      true,
    );
    const r = parseClientMessage(JSON.stringify({ type: 'poll.extend', pollId: POLL, seconds: 7200 }));
    expect(r.ok ? '' : r.error.field).toBe('seconds');
  });
});

describe('parseServerMessage', () => {
  test('every server frame needs a seq', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'pong', seq: 3, now: 1 })).ok).toBe(true);
    const r = parseServerMessage(JSON.stringify({ type: 'pong', now: 1 }));
    expect(r.ok ? '' : r.error.field).toBe('seq');
  });
  test('a rejected vote carries a catalog error code', () => {
    const base = { type: 'vote.rejected', seq: 1, clientMsgId: 'm', message: 'closed' };
    expect(parseServerMessage(JSON.stringify({ ...base, code: 'poll_closed' })).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ ...base, code: 'oops' })).ok).toBe(false);
  });
});
