/** Admin data-retention routes on the wire: a user's data export and the deletion receipt. */
import { strictObject, Uuid } from '@handsup/protocol';
import { type Static, Type } from '@sinclair/typebox';

export const UserParams = strictObject({ userId: Uuid });

const Ms = Type.Number();
const Json = Type.Unknown();

export const UserExport = Type.Object({
  exportedAt: Ms,
  account: Type.Object({
    id: Uuid,
    email: Type.Union([Type.String(), Type.Null()]),
    displayName: Type.String(),
    isAdmin: Type.Boolean(),
    createdAt: Ms,
    lti: Type.Array(Type.Object({ issuer: Type.String(), sub: Type.String() })),
  }),
  courses: Type.Array(Type.Object({ id: Uuid, title: Type.String(), role: Type.String(), createdAt: Ms })),
  sessions: Type.Array(
    Type.Object({
      id: Uuid,
      title: Type.String(),
      role: Type.String(),
      status: Type.String(),
      createdAt: Ms,
      polls: Type.Array(
        Type.Object({
          id: Uuid,
          type: Type.String(),
          prompt: Type.String(),
          content: Json,
          status: Type.String(),
        }),
      ),
    }),
  ),
  participations: Type.Array(
    Type.Object({
      sessionId: Uuid,
      sessionTitle: Type.String(),
      displayName: Type.String(),
      joinedAt: Ms,
      answers: Type.Array(
        Type.Object({ pollId: Uuid, prompt: Type.String(), round: Type.Integer(), value: Json, at: Ms }),
      ),
    }),
  ),
});
export type UserExport = Static<typeof UserExport>;

export const UserDeletion = Type.Object({
  userId: Uuid,
  sessionsDeleted: Type.Integer(),
  coursesDeleted: Type.Integer(),
  participationsDeleted: Type.Integer(),
});
export type UserDeletion = Static<typeof UserDeletion>;
