/**
 * Audit routes: admins read the trail (`GET /api/audit`, filters + cursor). There is deliberately no
 * route that changes or deletes an entry (and the database refuses it anyway).
 */
import { AppError, strictObject, Uuid } from '@handsup/protocol';
import { AuditPage } from '@handsup/protocol/rest';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import { can } from '../../domain/access/permissions.ts';
import type { AppDeps } from '../../http/context.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { accessKit } from '../auth/kit.ts';
import { globalRole } from '../auth/session-access.ts';

const Millis = Type.String({ pattern: '^[0-9]{1,15}$', maxLength: 15 });
export const AuditQuery = strictObject({
  action: Type.Optional(Type.String({ pattern: '^[a-z_.]{1,64}$', maxLength: 64 })),
  actor: Type.Optional(Uuid),
  from: Type.Optional(Millis),
  to: Type.Optional(Millis),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', maxLength: 18 })),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', maxLength: 3 })),
});

export function auditRoutes(deps: AppDeps) {
  const { authenticator, audit } = accessKit(deps);
  return new Elysia({ name: 'audit', prefix: '/api/audit' }).get(
    '/',
    async ({ request, query }) => {
      const p = await requirePrincipal(authenticator, request);
      if (!can(globalRole(p), 'audit.read'))
        throw new AppError('forbidden', 'Only administrators read the audit trail.');
      return audit.list({
        action: query.action,
        actor: query.actor,
        from: query.from ? Number(query.from) : undefined,
        to: query.to ? Number(query.to) : undefined,
        cursor: query.cursor,
        limit: Math.min(Number(query.limit ?? 50), 200),
      });
    },
    {
      query: AuditQuery,
      response: AuditPage,
      detail: { summary: 'Read the audit trail (admins)', tags: ['audit'] },
    },
  );
}

export { type Audit, type AuditRecord, createAudit } from './service.ts';
