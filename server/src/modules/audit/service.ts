/**
 * The audit trail: who did what, when, from where. Append-only — the database refuses UPDATE and
 * DELETE on audit_log (trigger in 0001_init.sql), and the app has no route that would try.
 * Every module records through `audit.record`; a failure to record is logged, never hidden.
 */
import type { AuditEntryView, AuditPage } from '@handsup/protocol/rest';
import { and, desc, eq, gte, lt, lte } from 'drizzle-orm';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppDeps } from '../../http/context.ts';
import { auditLog } from '../../storage/schema.ts';

/** Actions written today; the list is open (details hold the rest). */
export type AuditAction =
  | 'auth.signed_up'
  | 'auth.signed_in'
  | 'auth.sign_in_failed'
  | 'auth.signed_out'
  | 'auth.signed_out_everywhere'
  | 'auth.refresh_token_reused'
  | 'auth.admin_created'
  | 'membership.granted'
  | 'membership.invited'
  | 'membership.revoked'
  | 'course.created'
  | 'course.updated'
  | 'course.duplicated'
  | 'course.archived'
  | 'course.deleted'
  | 'course.restored'
  | 'course.purged'
  | 'session.created'
  | 'session.updated'
  | 'session.duplicated'
  | 'session.started'
  | 'session.stopped'
  | 'session.archived'
  | 'session.deleted'
  | 'session.restored'
  | 'session.purged'
  | 'session.join_code_regenerated'
  | 'participant.joined'
  | (string & {});

export interface AuditRecord {
  action: AuditAction;
  /** A principal, a bare user id, or null (anonymous: e.g. a failed sign-in). */
  actor: Principal | { userId: string; role?: string } | null;
  target?: { type: string; id: string } | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
}

const actorFields = (actor: AuditRecord['actor']): { userId: string | null; role: string | null } => {
  if (!actor) return { userId: null, role: null };
  if ('kind' in actor) {
    return actor.kind === 'user'
      ? { userId: actor.userId, role: actor.isAdmin ? 'admin' : actor.via }
      : { userId: actor.userId, role: `participant:${actor.participantId}` };
  }
  return { userId: actor.userId, role: actor.role ?? null };
};

export function toAuditEntryView(row: typeof auditLog.$inferSelect): AuditEntryView {
  return {
    id: String(row.id),
    at: row.at.getTime(),
    action: row.action,
    actorUserId: row.actorUserId,
    actorRole: row.actorRole,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    requestId: row.requestId,
    details: row.details,
  };
}

export function createAudit({ database, log, clock }: Pick<AppDeps, 'database' | 'log' | 'clock'>) {
  const { db } = database;
  return {
    async record(entry: AuditRecord): Promise<void> {
      const { userId, role } = actorFields(entry.actor);
      try {
        await db.insert(auditLog).values({
          at: new Date(clock.now()),
          actorUserId: userId,
          actorRole: role,
          action: entry.action,
          targetType: entry.target?.type ?? null,
          targetId: entry.target?.id ?? null,
          ip: entry.ip ?? null,
          requestId: entry.requestId ?? null,
          details: entry.details ?? {},
        });
      } catch (e) {
        log.error('audit entry could not be written', { action: entry.action, err: (e as Error).message });
        throw e;
      }
    },

    async list(f: AuditFilter): Promise<AuditPage> {
      const where = and(
        f.action ? eq(auditLog.action, f.action) : undefined,
        f.actor ? eq(auditLog.actorUserId, f.actor) : undefined,
        f.from !== undefined ? gte(auditLog.at, new Date(f.from)) : undefined,
        f.to !== undefined ? lte(auditLog.at, new Date(f.to)) : undefined,
        f.cursor ? lt(auditLog.id, Number(f.cursor)) : undefined,
      );
      const rows = await db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(f.limit + 1);
      const page = rows.slice(0, f.limit);
      return {
        entries: page.map(toAuditEntryView),
        nextCursor: rows.length > f.limit ? String(page[page.length - 1].id) : null,
      };
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
