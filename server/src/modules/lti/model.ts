/** Schemas of the LTI REST routes (with limits); types come from them. */
import { Type } from '@sinclair/typebox';

const Url = Type.String({ minLength: 8, maxLength: 2048 });
const DeploymentId = Type.String({ minLength: 1, maxLength: 255 });

export const PlatformBody = Type.Object(
  {
    issuer: Url,
    clientId: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    authLoginUrl: Url,
    authTokenUrl: Url,
    jwksUrl: Url,
    deploymentIds: Type.Array(DeploymentId, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

export const PlatformView = Type.Object({
  id: Type.String(),
  issuer: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  authLoginUrl: Type.String(),
  authTokenUrl: Type.String(),
  jwksUrl: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('pending'), Type.Literal('disabled')]),
  deploymentIds: Type.Array(Type.String()),
  createdAt: Type.Number(),
});

export const PlatformStatusBody = Type.Object(
  { status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]) },
  { additionalProperties: false },
);
export const DeploymentBody = Type.Object({ deploymentId: DeploymentId }, { additionalProperties: false });

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const DeploymentParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  deploymentId: DeploymentId,
});
export const SessionParams = Type.Object({ sessionId: Type.String({ format: 'uuid' }) });
export const PendingParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const LaunchSessionStatus = Type.Object({
  id: Type.String(),
  title: Type.String(),
  status: Type.Union([Type.Literal('live'), Type.Literal('idle'), Type.Literal('archived')]),
  role: Type.String(),
  joinCode: Type.String(),
});

export const DeepLinkChoice = Type.Union([
  Type.Object({ sessionId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  Type.Object({ title: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
]);

export const RosterMember = Type.Object({
  ltiUserId: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('teacher'), Type.Literal('student'), Type.Literal('other')]),
  status: Type.String(),
  joined: Type.Boolean(),
  answeredCurrentPoll: Type.Union([Type.Boolean(), Type.Null()]),
});
export const Roster = Type.Object({
  sessionId: Type.String(),
  currentPollId: Type.Union([Type.String(), Type.Null()]),
  members: Type.Array(RosterMember),
});

export const GradeSyncBody = Type.Object(
  { mode: Type.Optional(Type.Literal('participation')) },
  { additionalProperties: false },
);
export const GradeRow = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  scoreGiven: Type.Number(),
  scoreMaximum: Type.Number(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('sent'),
    Type.Literal('not_gradable'),
    Type.Literal('failed'),
  ]),
  attempts: Type.Number(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Number(),
});
export const GradeReport = Type.Object({
  sessionId: Type.String(),
  sent: Type.Number(),
  notGradable: Type.Number(),
  failed: Type.Number(),
  grades: Type.Array(GradeRow),
});
