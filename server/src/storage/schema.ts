/**
 * Drizzle table definitions for typed queries. The tables themselves are created by the SQL files in
 * ./migrations (the source of truth for DDL); `schema.test.ts` checks that the two agree.
 */
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => uuid('id').primaryKey().defaultRandom();

export const users = pgTable('users', {
  id: id(),
  email: text('email'),
  displayName: text('display_name').notNull().default(''),
  isAdmin: boolean('is_admin').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  deletedAt: ts('deleted_at'),
});

export const credentials = pgTable('credentials', {
  userId: uuid('user_id').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  failedCount: integer('failed_count').notNull().default(0),
  lockedUntil: ts('locked_until'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const ltiPlatforms = pgTable('lti_platforms', {
  id: id(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  name: text('name').notNull().default(''),
  authUrl: text('auth_url').notNull(),
  tokenUrl: text('token_url').notNull(),
  jwksUrl: text('jwks_url').notNull(),
  status: text('status').$type<'active' | 'pending' | 'disabled'>().notNull().default('active'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const ltiDeployments = pgTable(
  'lti_deployments',
  {
    platformId: uuid('platform_id').notNull(),
    deploymentId: text('deployment_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.deploymentId] })],
);

export const ltiKeys = pgTable('lti_keys', {
  kid: text('kid').primaryKey(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  privateKeyEnc: text('private_key_enc').notNull(),
  status: text('status').$type<'next' | 'active' | 'retired'>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  activatedAt: ts('activated_at'),
  retiredAt: ts('retired_at'),
});

export const ltiLoginStates = pgTable('lti_login_states', {
  state: text('state').primaryKey(),
  nonce: text('nonce').notNull(),
  platformId: uuid('platform_id').notNull(),
  browserBinding: text('browser_binding'),
  targetLinkUri: text('target_link_uri'),
  storageTarget: text('storage_target'),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

export const ltiIdentities = pgTable(
  'lti_identities',
  {
    platformId: uuid('platform_id').notNull(),
    sub: text('sub').notNull(),
    userId: uuid('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.sub] })],
);

export const courses = pgTable('courses', {
  id: id(),
  title: text('title').notNull(),
  ownerId: uuid('owner_id'),
  ltiPlatformId: uuid('lti_platform_id'),
  ltiContextId: text('lti_context_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  archivedAt: ts('archived_at'),
  deletedAt: ts('deleted_at'),
});

export type MemberRole = 'teacher' | 'co_teacher' | 'student';
export const courseMembers = pgTable(
  'course_members',
  {
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').$type<MemberRole>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

export type SessionStatus = 'live' | 'idle' | 'archived';
export const sessions = pgTable('sessions', {
  id: id(),
  ownerId: uuid('owner_id'),
  courseId: uuid('course_id'),
  ltiPlatformId: uuid('lti_platform_id'),
  ltiResourceLinkId: text('lti_resource_link_id'),
  title: text('title').notNull(),
  joinCode: text('join_code').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  status: text('status').$type<SessionStatus>().notNull().default('idle'),
  stateVersion: bigint('state_version', { mode: 'number' }).notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  startedAt: ts('started_at'),
  deletedAt: ts('deleted_at'),
});

export const sessionMembers = pgTable(
  'session_members',
  {
    sessionId: uuid('session_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').$type<'co_teacher'>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);

export const invitations = pgTable('invitations', {
  id: id(),
  email: text('email').notNull(),
  courseId: uuid('course_id'),
  sessionId: uuid('session_id'),
  role: text('role').notNull().default('co_teacher'),
  invitedBy: uuid('invited_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  acceptedAt: ts('accepted_at'),
});

export const participants = pgTable('participants', {
  id: id(),
  sessionId: uuid('session_id').notNull(),
  userId: uuid('user_id'),
  displayName: text('display_name').notNull().default(''),
  tokenHash: text('token_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at'),
  kickedAt: ts('kicked_at'),
});

export type PollType =
  | 'single_choice'
  | 'multiple_choice'
  | 'true_false'
  | 'rating'
  | 'numeric'
  | 'word_cloud'
  | 'open_text';
export type PollStatus = 'draft' | 'open' | 'closed';
export const polls = pgTable('polls', {
  id: id(),
  sessionId: uuid('session_id').notNull(),
  position: integer('position').notNull(),
  type: text('type').$type<PollType>().notNull(),
  prompt: text('prompt').notNull(),
  content: jsonb('content').$type<Record<string, unknown>>().notNull().default({}),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  status: text('status').$type<PollStatus>().notNull().default('draft'),
  round: integer('round').notNull().default(1),
  openedAt: ts('opened_at'),
  closesAt: ts('closes_at'),
  closedAt: ts('closed_at'),
  resultsReleased: boolean('results_released').notNull().default(false),
  correctReleased: boolean('correct_released').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  deletedAt: ts('deleted_at'),
});

export const responses = pgTable('responses', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  pollId: uuid('poll_id').notNull(),
  round: integer('round').notNull(),
  participantId: uuid('participant_id').notNull(),
  value: jsonb('value').$type<unknown>().notNull(),
  clientMsgId: text('client_msg_id').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const refreshTokens = pgTable('refresh_tokens', {
  id: id(),
  familyId: uuid('family_id').notNull(),
  userId: uuid('user_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  revokedAt: ts('revoked_at'),
  replacedBy: uuid('replaced_by'),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: ts('at').notNull().defaultNow(),
  actorUserId: uuid('actor_user_id'),
  actorRole: text('actor_role'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetId: text('target_id'),
  ip: text('ip'),
  requestId: text('request_id'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
});

export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

// LTI integration (0004_lti.sql).
export const ltiResourceLinks = pgTable(
  'lti_resource_links',
  {
    platformId: uuid('platform_id').notNull(),
    resourceLinkId: text('resource_link_id').notNull(),
    sessionId: uuid('session_id').notNull(),
    courseId: uuid('course_id'),
    deploymentId: text('deployment_id').notNull(),
    title: text('title').notNull().default(''),
    lineitemsUrl: text('lineitems_url'),
    lineitemUrl: text('lineitem_url'),
    agsScopes: jsonb('ags_scopes').$type<string[]>().notNull().default([]),
    nrpsUrl: text('nrps_url'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.platformId, t.resourceLinkId] })],
);

export const ltiGradeSyncs = pgTable(
  'lti_grade_syncs',
  {
    sessionId: uuid('session_id').notNull(),
    userId: uuid('user_id').notNull(),
    scoreGiven: doublePrecision('score_given').notNull(),
    scoreMaximum: doublePrecision('score_maximum').notNull(),
    status: text('status').$type<'pending' | 'sent' | 'not_gradable' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);
