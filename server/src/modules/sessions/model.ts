/** Path and query schemas of the session and course routes (bodies live in @handsup/protocol/rest). */
import { strictObject, Uuid } from '@handsup/protocol';
import { Type } from '@sinclair/typebox';

export const IdParams = strictObject({ id: Uuid });
/** `:sessionId`, the name every `/api/sessions/:sessionId/…` route shares (the router requires one name). */
export const SessionParams = strictObject({ sessionId: Uuid });
export const MemberParams = strictObject({ sessionId: Uuid, userId: Uuid });
export const ListQuery = strictObject({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  courseId: Type.Optional(Uuid),
  trash: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]?$|^100$', maxLength: 3 })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}_[0-9a-fA-F-]{36}$', maxLength: 52 })),
});
export const parseLimit = (limit: string | undefined, dflt = 50): number => (limit ? Number(limit) : dflt);
