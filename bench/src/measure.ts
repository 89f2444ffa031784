/**
 * What a simulated student records, and how the figures are derived from it. Every client runs in
 * the load generator's process on the same machine as the server, so one clock serves both sides.
 */
import { percentile, round1 } from './stats.ts';

export interface StudentRecord {
  sentAt: number | null;
  ackAt: number | null;
  openedAt: number | null;
  /** [receive time, total answers in the frame] for every results frame, in arrival order. */
  frames: [number, number][];
  /** server send -> client receive, for every frame that carries the server's `now`. */
  push: number[];
  errors: number;
}

export const newRecord = (): StudentRecord => ({
  sentAt: null,
  ackAt: null,
  openedAt: null,
  frames: [],
  push: [],
  errors: 0,
});

/** First time a client saw a results frame holding at least `total` answers (Infinity: never). */
function firstAtLeast(frames: [number, number][], total: number): number {
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid][1] >= total) hi = mid;
    else lo = mid + 1;
  }
  return lo < frames.length ? frames[lo][0] : Number.POSITIVE_INFINITY;
}

/**
 * answer -> visible-in-results-for-all: answers are ranked by acknowledgement (a group commit makes a
 * batch durable together, and the tally counts committed answers), and answer r is visible to a client
 * from its first frame whose total reaches r. Sampled to `sample` answers to bound the work.
 */
export function visibleLatencies(records: StudentRecord[], sample = 1000): number[] {
  const acked = records
    .filter((r) => r.ackAt !== null && r.sentAt !== null)
    .sort((a, b) => a.ackAt! - b.ackAt!);
  const step = Math.max(1, Math.floor(acked.length / sample));
  const out: number[] = [];
  for (let i = 0; i < acked.length; i += step) {
    const rank = i + 1;
    let worst = 0;
    for (const r of records) {
      const t = firstAtLeast(r.frames, rank);
      if (t > worst) worst = t;
    }
    if (Number.isFinite(worst)) out.push(worst - acked[i].sentAt!);
  }
  return out;
}

export function summarise(records: StudentRecord[], openStartedAt: number | null) {
  const acks = records.filter((r) => r.ackAt !== null).map((r) => r.ackAt! - r.sentAt!);
  const opens =
    openStartedAt === null
      ? []
      : records.filter((r) => r.openedAt !== null).map((r) => r.openedAt! - openStartedAt);
  const visible = visibleLatencies(records);
  const push = records.flatMap((r) => r.push);
  const sends = records.filter((r) => r.sentAt !== null).map((r) => r.sentAt!);
  const ackTimes = records.filter((r) => r.ackAt !== null).map((r) => r.ackAt!);
  const spanS = ackTimes.length ? (Math.max(...ackTimes) - Math.min(...sends)) / 1000 : 0;
  return {
    acked: acks.length,
    /** Acknowledged answers per second, from the first answer sent to the last acknowledgement. */
    throughput_per_s: spanS > 0 ? Math.round(acks.length / spanS) : null,
    errors: records.reduce((n, r) => n + r.errors, 0),
    ack_p50_ms: round1(percentile(acks, 50)),
    ack_p99_ms: round1(percentile(acks, 99)),
    open_p50_ms: round1(percentile(opens, 50)),
    open_p99_ms: round1(percentile(opens, 99)),
    visible_p50_ms: round1(percentile(visible, 50)),
    visible_p99_ms: round1(percentile(visible, 99)),
    push_p50_ms: round1(percentile(push, 50)),
    push_p99_ms: round1(percentile(push, 99)),
  };
}
