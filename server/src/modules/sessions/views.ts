/** Explicit views: what a teacher sees of a session (every field listed, nothing passed through). */
import type { SessionSettings, SessionView } from '@handsup/protocol/rest';
import type { Role } from '../../domain/access/principal.ts';

export interface SessionRow {
  id: string;
  title: string;
  course_id: string | null;
  owner_id: string | null;
  join_code: string;
  status: 'live' | 'idle' | 'archived';
  settings: Partial<SessionSettings> | null;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
}

export const DEFAULT_SETTINGS: SessionSettings = { anonymity: 'anonymous', identifiedOnly: false };
export const SESSION_COLUMNS =
  'id, title, course_id, owner_id, join_code, status, settings, created_at, updated_at, deleted_at';

const ms = (d: Date | string): number => new Date(d).getTime();

export const settingsOf = (row: Pick<SessionRow, 'settings'>): SessionSettings => ({
  anonymity: row.settings?.anonymity ?? DEFAULT_SETTINGS.anonymity,
  identifiedOnly: row.settings?.identifiedOnly ?? DEFAULT_SETTINGS.identifiedOnly,
});

export function toSessionView(row: SessionRow, role: Role): SessionView {
  return {
    id: row.id,
    title: row.title,
    courseId: row.course_id,
    ownerId: row.owner_id,
    joinCode: row.join_code,
    joinPath: `/j/${row.join_code}`,
    status: row.status,
    settings: settingsOf(row),
    role,
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
    deletedAt: row.deleted_at ? ms(row.deleted_at) : null,
  };
}
