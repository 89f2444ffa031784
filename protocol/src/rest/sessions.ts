/**
 * Courses and sessions on the wire: create, rename, settings, co-teachers, listings. A session's
 * `settings.anonymity` decides what names teachers see; `identifiedOnly` refuses guests.
 *
 * @example POST /api/sessions {"title":"Week 3 — Thermodynamics","settings":{"anonymity":"anonymous"}}
 */
import { Type } from '@sinclair/typebox';
import { EpochMs, Nullable, strictObject, Uuid } from '../strict.ts';
import { Email } from './auth.ts';

export const Title = Type.String({ minLength: 1, maxLength: 200 });
export const Anonymity = Type.Union([
  Type.Literal('anonymous'),
  Type.Literal('teacher_only'),
  Type.Literal('names_shown'),
]);
export const SessionSettings = strictObject({
  /** anonymous: nobody sees names; teacher_only: teachers see names; names_shown: names on screen. */
  anonymity: Anonymity,
  /** Only signed-in users (LMS launch or account) may join; guests by code are refused. */
  identifiedOnly: Type.Boolean(),
});
export const SessionSettingsPatch = Type.Partial(SessionSettings, { additionalProperties: false });

export const CreateSessionBody = strictObject({
  title: Title,
  courseId: Type.Optional(Uuid),
  settings: Type.Optional(SessionSettingsPatch),
});
export const UpdateSessionBody = strictObject({
  title: Type.Optional(Title),
  settings: Type.Optional(SessionSettingsPatch),
});
export const CreateCourseBody = strictObject({ title: Title });
export const UpdateCourseBody = strictObject({ title: Title });
export const InviteBody = strictObject({ email: Email });

export const SessionStatus = Type.Union([
  Type.Literal('live'),
  Type.Literal('idle'),
  Type.Literal('archived'),
]);
export const SessionView = strictObject({
  id: Uuid,
  title: Type.String(),
  courseId: Nullable(Uuid),
  ownerId: Nullable(Uuid),
  joinCode: Type.String(),
  joinPath: Type.String(),
  status: SessionStatus,
  settings: SessionSettings,
  role: Type.String(),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  deletedAt: Nullable(EpochMs),
});
export const CourseView = strictObject({
  id: Uuid,
  title: Type.String(),
  ownerId: Nullable(Uuid),
  role: Type.String(),
  createdAt: EpochMs,
  archivedAt: Nullable(EpochMs),
  deletedAt: Nullable(EpochMs),
});
export const CoTeacherView = strictObject({
  userId: Nullable(Uuid),
  email: Nullable(Type.String()),
  displayName: Type.String(),
  pending: Type.Boolean(),
});
export const ParticipantView = strictObject({
  id: Uuid,
  displayName: Type.String(),
  identified: Type.Boolean(),
});

export type SessionSettings = typeof SessionSettings.static;
export type SessionView = typeof SessionView.static;
export type CourseView = typeof CourseView.static;
export type CoTeacherView = typeof CoTeacherView.static;
