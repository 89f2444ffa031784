/** Mapping between `polls` rows and the domain's Poll (timestamps as epoch ms in SQL, Dates in the domain). */
import type { PollContent, PollSettings, PollStatus, PollType } from '@handsup/protocol';
import type { Poll } from '../../domain/polls/index.ts';
import { ms } from './sql.ts';

/** The select list every poll query uses (prefix `p.`), matching PollRow. */
export const POLL_COLUMNS = [
  'p.id',
  'p.session_id',
  'p.position',
  'p.type',
  'p.prompt',
  'p.content',
  'p.settings',
  'p.status',
  'p.round',
  ms('p.opened_at', 'opened_at_ms'),
  ms('p.closes_at', 'closes_at_ms'),
  ms('p.closed_at', 'closed_at_ms'),
  'p.results_released',
  'p.correct_released',
  ms('p.deleted_at', 'deleted_at_ms'),
].join(', ');

export type PollRow = {
  id: string;
  session_id: string;
  position: number;
  type: PollType;
  prompt: string;
  content: PollContent;
  settings: PollSettings;
  status: PollStatus;
  round: number;
  opened_at_ms: number | null;
  closes_at_ms: number | null;
  closed_at_ms: number | null;
  results_released: boolean;
  correct_released: boolean;
  deleted_at_ms: number | null;
};

const date = (v: number | null) => (v === null || v === undefined ? null : new Date(Number(v)));

export const pollFromRow = (r: PollRow): Poll => ({
  id: r.id,
  sessionId: r.session_id,
  position: r.position,
  type: r.type,
  prompt: r.prompt,
  content: r.content,
  settings: r.settings,
  status: r.status,
  round: r.round,
  openedAt: date(r.opened_at_ms),
  closesAt: date(r.closes_at_ms),
  closedAt: date(r.closed_at_ms),
  resultsReleased: r.results_released,
  correctReleased: r.correct_released,
});

/** A poll as it travels on the bus and in the cache (JSON: epoch ms instead of Dates). */
export type PollJson = Omit<Poll, 'openedAt' | 'closesAt' | 'closedAt'> & {
  openedAt: number | null;
  closesAt: number | null;
  closedAt: number | null;
};

const num = (d: Date | null) => (d === null ? null : d.getTime());
export const pollToJson = (p: Poll): PollJson => ({
  ...p,
  openedAt: num(p.openedAt),
  closesAt: num(p.closesAt),
  closedAt: num(p.closedAt),
});
export const pollFromJson = (p: PollJson): Poll => ({
  ...p,
  openedAt: date(p.openedAt),
  closesAt: date(p.closesAt),
  closedAt: date(p.closedAt),
});
