/** Connections that record what they are sent, and a turn clock, for tests of the fan-out. */
import type { Conn, ConnState } from '../connection.ts';

export type RecordingConn = Conn & { sent: Record<string, unknown>[] };

/** A connection that records what it was sent (the transport is not under test). */
export const recordingConn = (id: string, role: 'teacher' | 'student'): RecordingConn => {
  const sent: Record<string, unknown>[] = [];
  return {
    id,
    transport: 'ws',
    seq: 0,
    dropped: 0,
    state: { role } as ConnState,
    write: (text) => {
      sent.push(JSON.parse(text));
      return true;
    },
    end: () => {},
    sent,
  };
};

/**
 * A turn clock that advances a millisecond each time it is read: with 1 ms turns
 * (ONE_CHUNK_TURNS), every turn writes exactly one chunk of CLOCK_EVERY connections.
 */
export const ONE_CHUNK_TURNS = 1;
export const chunkClock = () => {
  let t = 0;
  return () => t++;
};
