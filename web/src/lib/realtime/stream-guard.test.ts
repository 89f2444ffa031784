import { describe, expect, test } from 'bun:test';
import type { ServerMessage } from '@handsup/protocol';
import { StreamGuard } from './stream-guard.ts';

const SID = '00000000-0000-4000-8000-000000000001';
const PID = '00000000-0000-4000-8000-000000000002';
const snapshot = (seq: number, version: number) =>
  ({
    type: 'session.snapshot',
    seq,
    version,
    now: 1,
    session: { id: SID, title: 't', status: 'live', joinCode: 'ABCDEF' },
    openPoll: null,
    timeLeftMs: null,
  }) as ServerMessage;
const results = (seq: number, version: number) =>
  ({
    type: 'results.updated',
    seq,
    version,
    pollId: PID,
    round: 1,
    answeredCount: 0,
    now: 1,
    results: { type: 'true_false', total: 0, options: [] },
  }) as ServerMessage;
const pong = (seq: number) => ({ type: 'pong', seq, now: 1 }) as ServerMessage;

describe('stream guard', () => {
  test('drops a state event below the version already applied; equal versions apply (one change, several frames)', () => {
    const g = new StreamGuard();
    expect(g.accept(snapshot(1, 10)).verdict).toBe('apply');
    expect(g.accept(results(2, 10)).verdict).toBe('apply');
    expect(g.accept(results(3, 9)).verdict).toBe('stale');
    expect(g.accept(results(4, 11)).verdict).toBe('apply');
    expect(g.version).toBe(11);
  });

  test('a snapshot always applies, even at an older version (it is the whole truth)', () => {
    const g = new StreamGuard();
    g.accept(results(1, 12));
    expect(g.accept(snapshot(2, 11)).verdict).toBe('apply');
    expect(g.version).toBe(11);
  });

  test('reports a sequence gap once until a snapshot closes it', () => {
    const g = new StreamGuard();
    g.accept(snapshot(1, 1));
    expect(g.accept(results(3, 2)).gap).toBe(true);
    expect(g.accept(results(5, 3)).gap).toBe(false);
    g.accept(snapshot(6, 4));
    expect(g.accept(results(8, 5)).gap).toBe(true);
  });

  test('frames without a version (pong, acks) pass and still advance the sequence', () => {
    const g = new StreamGuard();
    g.accept(snapshot(1, 1));
    expect(g.accept(pong(2)).verdict).toBe('apply');
    expect(g.accept(pong(2)).verdict).toBe('duplicate');
  });

  test('a new connection starts its own count but keeps the version', () => {
    const g = new StreamGuard();
    g.accept(snapshot(40, 7));
    g.resetConnection();
    expect(g.accept(pong(1)).gap).toBe(false);
    expect(g.accept(results(2, 6)).verdict).toBe('stale');
  });
});
