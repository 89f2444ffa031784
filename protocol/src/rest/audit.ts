/**
 * The audit trail on the wire (admins only): filters and cursor pagination, newest first.
 *
 * @example GET /api/audit?action=auth.sign_in_failed&limit=50 -> {"entries":[…],"nextCursor":"1234"}
 */
import { Type } from '@sinclair/typebox';
import { EpochMs, Nullable, strictObject } from '../strict.ts';

export const AuditEntryView = strictObject({
  id: Type.String(),
  at: EpochMs,
  action: Type.String(),
  actorUserId: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export const AuditPage = strictObject({
  entries: Type.Array(AuditEntryView),
  nextCursor: Nullable(Type.String()),
});
export type AuditEntryView = typeof AuditEntryView.static;
export type AuditPage = typeof AuditPage.static;
