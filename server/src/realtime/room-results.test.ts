import { expect, test } from 'bun:test';
import { PollTally } from '../domain/polls/index.ts';
import { choices, makePoll } from '../domain/polls/poll-fixture.ts';
import type { Conn } from './connection.ts';
import { CLOCK_EVERY, Fanout } from './fanout.ts';
import type { LiveState } from './live-state.ts';
import { RoomResults } from './room-results.ts';
import { chunkClock, ONE_CHUNK_TURNS, type RecordingConn, recordingConn } from './testing/recording-conns.ts';

const poll = makePoll({ type: 'single_choice', options: choices('a', 'b') }, { status: 'open' });
const state: LiveState = {
  version: 7,
  session: {
    id: poll.sessionId,
    title: 'Biology',
    status: 'live',
    joinCode: 'ABC123',
    anonymity: 'anonymous',
  },
  openPoll: poll,
  lastClosed: null,
};

test('a results frame reaches the students it has not been written to yet with the answers counted since it started, built again only when answers were counted', async () => {
  const members = new Set<Conn>(
    Array.from({ length: 3 * CLOCK_EVERY }, (_, i) => recordingConn(`s${i}`, 'student')),
  );
  const fanout = new Fanout(
    () => members,
    () => 0,
    undefined,
    { turnMs: ONE_CHUNK_TURNS, clock: chunkClock() },
  );
  const tally = new PollTally(poll.content);
  let built = 0;
  const results = tally.results.bind(tally);
  tally.results = () => {
    built++;
    return results();
  };
  const room = new RoomResults(
    { current: { poll, tally, meta: new Map() }, state, now: 0, listened: true },
    fanout,
  );
  // An answer is counted while the frame's first chunk is being written (as its last student's
  // frame goes out).
  const last = [...members][CLOCK_EVERY - 1];
  const write = last.write;
  last.write = (text) => {
    if (tally.answeredCount === 1) {
      expect(built).toBe(2); // teacher's and students' frames, once each
      tally.record('p2', { type: 'single_choice', optionId: 'b' });
      room.changed();
    }
    return write(text);
  };
  try {
    tally.record('p1', { type: 'single_choice', optionId: 'a' });
    room.changed();
    await new Promise((r) => setTimeout(r, 1)); // the coalesced frame goes out
    while (fanout.busy) await new Promise((r) => setImmediate(r));

    const answered = [...members].map((c) => (c as RecordingConn).sent.map((m) => m.answeredCount));
    expect(answered.slice(0, CLOCK_EVERY).every((a) => a.join() === '1')).toBe(true);
    expect(answered.slice(CLOCK_EVERY).every((a) => a.join() === '2')).toBe(true);
    // Built again for the second chunk's turn; the third chunk's turn found nothing new counted.
    expect(built).toBe(4);
  } finally {
    room.stop();
    fanout.stop();
  }
});
