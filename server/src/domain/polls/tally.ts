/**
 * The live tally of one poll round, kept in memory and updated one answer at a time. It remembers each
 * participant's answer, so an answer change moves that student's contribution instead of adding a
 * second one: counts are exact integers, never read-modify-write across nodes. `results()` returns the
 * whole ResultsView (with names on open text; views.ts strips them per viewer).
 */
import { type AnswerValue, type PollContent, RESULTS_LIMITS, type ResultsView } from '@handsup/protocol';

type Entry = { value: AnswerValue; name?: string };

const inc = <K>(m: Map<K, number>, k: K, by: number) => {
  const n = (m.get(k) ?? 0) + by;
  if (n === 0) m.delete(k);
  else m.set(k, n);
};

/** Mean and median of a multiset given as value -> count. */
const stats = (counts: Map<number, number>) => {
  let total = 0;
  let sum = 0;
  for (const [v, c] of counts) {
    total += c;
    sum += v * c;
  }
  if (total === 0) return { total, mean: null, median: null, sorted: [] as number[] };
  const sorted = [...counts.keys()].sort((a, b) => a - b);
  const at = (index: number) => {
    let seen = 0;
    for (const v of sorted) {
      seen += counts.get(v)!;
      if (index < seen) return v;
    }
    return sorted[sorted.length - 1];
  };
  const median = total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
  return { total, mean: sum / total, median, sorted };
};

export class PollTally {
  private readonly byParticipant = new Map<string, Entry>();
  /** option id / 'true' | 'false' / word / numeric value -> count of participants */
  private readonly counts = new Map<string | number, number>();

  constructor(readonly content: PollContent) {}

  /** Students who have answered this round. */
  get answeredCount(): number {
    return this.byParticipant.size;
  }

  /** Record (or replace) a participant's answer; the value must already be validated and normalised. */
  record(participantId: string, value: AnswerValue, name?: string): void {
    this.remove(participantId);
    this.byParticipant.set(participantId, name === undefined ? { value } : { value, name });
    for (const key of this.keysOf(value)) inc(this.counts, key, 1);
  }

  /** Forget a participant's answer (answer replaced, or participant removed). */
  remove(participantId: string): void {
    const old = this.byParticipant.get(participantId);
    if (!old) return;
    this.byParticipant.delete(participantId);
    for (const key of this.keysOf(old.value)) inc(this.counts, key, -1);
  }

  /** Whether this participant has answered, and what. */
  answerOf(participantId: string): AnswerValue | undefined {
    return this.byParticipant.get(participantId)?.value;
  }

  answeredParticipantIds(): string[] {
    return [...this.byParticipant.keys()];
  }

  /** The contributions of one answer; each distinct key counts once per participant. */
  private keysOf(value: AnswerValue): (string | number)[] {
    switch (value.type) {
      case 'single_choice':
        return [value.optionId];
      case 'multiple_choice':
        return [...new Set(value.optionIds)];
      case 'true_false':
        return [String(value.value)];
      case 'rating':
      case 'numeric':
        return [value.value];
      case 'word_cloud':
        return [...new Set(value.entries)];
      case 'open_text':
        return [];
    }
  }

  results(): ResultsView {
    const c = this.content;
    const total = this.byParticipant.size;
    const count = (k: string | number) => this.counts.get(k) ?? 0;
    switch (c.type) {
      case 'single_choice':
      case 'multiple_choice':
        return { type: c.type, total, options: c.options.map((o) => ({ id: o.id, count: count(o.id) })) };
      case 'true_false':
        return {
          type: 'true_false',
          total,
          options: ['true', 'false'].map((id) => ({ id, count: count(id) })),
        };
      case 'rating': {
        const { mean, median } = stats(this.counts as Map<number, number>);
        const histogram = Array.from({ length: c.scale }, (_, i) => count(i + 1));
        return { type: 'rating', total, scale: c.scale, histogram, mean, median };
      }
      case 'numeric':
        return this.numericResults(c);
      case 'word_cloud': {
        const words = [...(this.counts as Map<string, number>)]
          .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
          .slice(0, RESULTS_LIMITS.wordCloudWords)
          .map(([text, n]) => ({ text, count: n }));
        return { type: 'word_cloud', total, distinctWords: this.counts.size, words };
      }
      case 'open_text': {
        const all = [...this.byParticipant.values()];
        const kept = all.slice(-RESULTS_LIMITS.openTextAnswers);
        const answers = kept.map(({ value, name }) => {
          const text = value.type === 'open_text' ? value.text : '';
          return name === undefined ? { text } : { text, name };
        });
        return { type: 'open_text', total, truncated: kept.length < all.length, answers };
      }
    }
  }

  private numericResults(c: Extract<PollContent, { type: 'numeric' }>): ResultsView {
    const counts = this.counts as Map<number, number>;
    const { total, mean, median, sorted } = stats(counts);
    const maxBins = RESULTS_LIMITS.numericBins;
    const span = c.max - c.min;
    let bins: { from: number; to: number; count: number }[];
    if (c.step !== undefined && Math.round(span / c.step) + 1 <= maxBins) {
      // One bin per allowed value.
      const n = Math.round(span / c.step) + 1;
      bins = Array.from({ length: n }, (_, i) => {
        const v = Number((c.min + i * c.step!).toPrecision(12));
        return { from: v, to: v, count: 0 };
      });
      for (const [v, k] of counts) bins[Math.round((v - c.min) / c.step)].count += k;
    } else {
      const width = span / maxBins;
      bins = Array.from({ length: maxBins }, (_, i) => ({
        from: c.min + i * width,
        to: i === maxBins - 1 ? c.max : c.min + (i + 1) * width,
        count: 0,
      }));
      for (const [v, k] of counts) bins[Math.min(maxBins - 1, Math.floor((v - c.min) / width))].count += k;
    }
    return {
      type: 'numeric',
      total,
      bins,
      mean,
      median,
      min: sorted.length ? sorted[0] : null,
      max: sorted.length ? sorted[sorted.length - 1] : null,
    };
  }
}

/**
 * A tally rebuilt from stored answers (on startup, or when a node first serves a poll).
 *
 * @example const t = tallyFrom(poll.content, rows.map((r) => ({ participantId: r.participantId, value: r.value })));
 */
export const tallyFrom = (
  content: PollContent,
  answers: Iterable<{ participantId: string; value: AnswerValue; name?: string }>,
): PollTally => {
  const t = new PollTally(content);
  for (const a of answers) t.record(a.participantId, a.value, a.name);
  return t;
};
