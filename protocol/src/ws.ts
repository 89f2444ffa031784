/**
 * WebSocket messages (also carried over the SSE + POST fallback), as discriminated unions on `type`.
 * Client commands are imperative (`vote.cast`); server events are past tense (`poll.opened`).
 * docs/protocol.md describes the conversation; these schemas are the source of truth.
 *
 * Every server frame carries `seq`, this connection's frame counter (0, 1, 2, …; a gap means a frame
 * was lost, so ask for a snapshot). State events also carry `version`, the session-wide, cluster-wide
 * state version: drop any state event older than the last snapshot or event applied.
 *
 * @example
 *   ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token, sessionId }));
 *   ws.send(JSON.stringify({ type: 'vote.cast', pollId, value: { type: 'true_false', value: true }, clientMsgId: crypto.randomUUID() }));
 */
import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';
import { AnswerValue } from './answers.ts';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import { AnyPollView, CorrectAnswer, TimerSeconds } from './polls.ts';
import { ResultsView } from './results.ts';
import { EpochMs, Nullable, strictObject, Uuid } from './strict.ts';

/** Bumped on any incompatible change; a `hello` with another version is closed with `protocol_version`. */
export const PROTOCOL_VERSION = 1;
/** Largest client frame accepted, in bytes (UTF-8). Larger frames fail with `payload_too_large`. */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
/** Results frames per room are coalesced to at most this many per second. */
export const RESULTS_MAX_PER_SECOND = 10;

export const ErrorCodeSchema = Type.Union(ERROR_CODES.map((c) => Type.Literal(c))) as unknown as TUnion<
  TLiteral<ErrorCode>[]
>;

/** Idempotency key chosen by the client (a UUID is ideal); a retry with the same key is not a second vote. */
export const ClientMsgId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const Token = Type.String({ minLength: 1, maxLength: 4096 });
const Seq = Type.Integer({ minimum: 0 });
const Version = Type.Integer({ minimum: 0 });
/** Optional correlation id on teacher commands, echoed in an `error` caused by that command. */
const Ref = Type.Optional(ClientMsgId);

// ---- client -> server -------------------------------------------------------------------------------

export const HelloMessage = strictObject({
  type: Type.Literal('hello'),
  protocolVersion: Type.Integer({ minimum: 1 }),
  /** Participant token (students by join code), or an access / app-session JWT (teachers, LTI users). */
  token: Token,
  sessionId: Uuid,
  /** The last state version this client applied, if reconnecting. */
  lastVersion: Type.Optional(Version),
});
export const VoteCastMessage = strictObject({
  type: Type.Literal('vote.cast'),
  pollId: Uuid,
  value: AnswerValue,
  clientMsgId: ClientMsgId,
});
export const SnapshotRequestMessage = strictObject({ type: Type.Literal('snapshot.request') });
export const TokenRenewMessage = strictObject({ type: Type.Literal('token.renew'), token: Token });
/** `t` (any client clock value) is echoed in `pong`, for round-trip time. */
export const PingMessage = strictObject({ type: Type.Literal('ping'), t: Type.Optional(Type.Number()) });

export const PollOpenMessage = strictObject({
  type: Type.Literal('poll.open'),
  pollId: Uuid,
  /** Overrides the poll's `settings.timerSeconds` for this opening. */
  timerSeconds: Type.Optional(TimerSeconds),
  clientMsgId: Ref,
});
export const PollCloseMessage = strictObject({
  type: Type.Literal('poll.close'),
  pollId: Uuid,
  clientMsgId: Ref,
});
export const PollExtendMessage = strictObject({
  type: Type.Literal('poll.extend'),
  pollId: Uuid,
  seconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  clientMsgId: Ref,
});
/** Release (true) or withdraw (false) results and/or the correct answer. Omitted `results` means true. */
export const PollRevealMessage = strictObject({
  type: Type.Literal('poll.reveal'),
  pollId: Uuid,
  results: Type.Optional(Type.Boolean()),
  correct: Type.Optional(Type.Boolean()),
  clientMsgId: Ref,
});
/** Start a new round: the poll returns to draft with no answers (earlier rounds are kept). */
export const PollResetMessage = strictObject({
  type: Type.Literal('poll.reset'),
  pollId: Uuid,
  clientMsgId: Ref,
});
export const SessionStopMessage = strictObject({ type: Type.Literal('session.stop'), clientMsgId: Ref });

export const TEACHER_COMMANDS = [
  'poll.open',
  'poll.close',
  'poll.extend',
  'poll.reveal',
  'poll.reset',
  'session.stop',
] as const;
export type TeacherCommandType = (typeof TEACHER_COMMANDS)[number];

export const ClientMessage = Type.Union([
  HelloMessage,
  VoteCastMessage,
  SnapshotRequestMessage,
  TokenRenewMessage,
  PingMessage,
  PollOpenMessage,
  PollCloseMessage,
  PollExtendMessage,
  PollRevealMessage,
  PollResetMessage,
  SessionStopMessage,
]);
export type ClientMessage = Static<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

// ---- server -> client -------------------------------------------------------------------------------

export const ConnectionRole = Type.Union([
  Type.Literal('teacher'),
  Type.Literal('student'),
  Type.Literal('presenter'),
]);
export type ConnectionRole = Static<typeof ConnectionRole>;

/** The session as the live views need it. */
export const SnapshotSession = strictObject({
  id: Uuid,
  title: Type.String(),
  status: Type.Union([Type.Literal('live'), Type.Literal('idle'), Type.Literal('archived')]),
  joinCode: Type.String(),
});
export type SnapshotSession = Static<typeof SnapshotSession>;

/** `answeredParticipantIds` goes to teachers only. */
export const Presence = strictObject({
  connected: Type.Integer({ minimum: 0 }),
  answered: Type.Integer({ minimum: 0 }),
  answeredParticipantIds: Type.Optional(Type.Array(Uuid)),
});
export type Presence = Static<typeof Presence>;

export const WelcomeMessage = strictObject({
  type: Type.Literal('welcome'),
  seq: Seq,
  protocolVersion: Type.Integer({ minimum: 1 }),
  connectionId: Type.String(),
  now: EpochMs,
  role: ConnectionRole,
  /** Present for students: their identity behind "one answer per poll". */
  participantId: Type.Optional(Uuid),
});
/**
 * Full state, sent after `welcome` on every (re)connect and on `snapshot.request`. `openPoll` is the open
 * poll; if none is open, `closedPoll` may carry the last closed one still on screen. `myAnswer` and
 * `results` belong to whichever of the two is present; `results` is absent when this viewer may not see them.
 */
export const SessionSnapshotMessage = strictObject({
  type: Type.Literal('session.snapshot'),
  seq: Seq,
  version: Version,
  now: EpochMs,
  session: SnapshotSession,
  openPoll: Nullable(AnyPollView),
  closedPoll: Type.Optional(Nullable(AnyPollView)),
  /** Milliseconds left on the open poll's timer; null without a timer or open poll. */
  timeLeftMs: Nullable(Type.Integer({ minimum: 0 })),
  myAnswer: Type.Optional(Nullable(AnswerValue)),
  results: Type.Optional(Nullable(ResultsView)),
  presence: Type.Optional(Presence),
});
export const PollOpenedMessage = strictObject({
  type: Type.Literal('poll.opened'),
  seq: Seq,
  version: Version,
  poll: AnyPollView,
  closesAt: Nullable(EpochMs),
  now: EpochMs,
});
/** `results` is present when the receiving audience may now see them (e.g. `after_close`). */
export const PollClosedMessage = strictObject({
  type: Type.Literal('poll.closed'),
  seq: Seq,
  version: Version,
  pollId: Uuid,
  round: Type.Integer({ minimum: 1 }),
  closedAt: EpochMs,
  results: Type.Optional(ResultsView),
});
export const PollExtendedMessage = strictObject({
  type: Type.Literal('poll.extended'),
  seq: Seq,
  version: Version,
  pollId: Uuid,
  closesAt: EpochMs,
  now: EpochMs,
});
/** The poll changed otherwise: edited, or reset to a new round (then `poll.round` is higher and results are empty). */
export const PollUpdatedMessage = strictObject({
  type: Type.Literal('poll.updated'),
  seq: Seq,
  version: Version,
  poll: AnyPollView,
});
export const ResultsUpdatedMessage = strictObject({
  type: Type.Literal('results.updated'),
  seq: Seq,
  version: Version,
  pollId: Uuid,
  round: Type.Integer({ minimum: 1 }),
  results: ResultsView,
  answeredCount: Type.Integer({ minimum: 0 }),
  /** The server clock when the frame left (push latency, clock offset). */
  now: EpochMs,
});
/** The teacher released (or withdrew) results and/or the correct answer. */
export const ResultsReleasedMessage = strictObject({
  type: Type.Literal('results.released'),
  seq: Seq,
  version: Version,
  pollId: Uuid,
  round: Type.Integer({ minimum: 1 }),
  resultsReleased: Type.Boolean(),
  correctReleased: Type.Boolean(),
  results: Type.Optional(ResultsView),
  correct: Type.Optional(CorrectAnswer),
});
/** Sent only to the voter, after the vote is durable; a retried `clientMsgId` gets the same reply. */
export const VoteAcceptedMessage = strictObject({
  type: Type.Literal('vote.accepted'),
  seq: Seq,
  clientMsgId: ClientMsgId,
  pollId: Uuid,
  /** The answer as stored (normalised, e.g. word-cloud entries lower-cased). */
  value: Type.Optional(AnswerValue),
});
export const VoteRejectedMessage = strictObject({
  type: Type.Literal('vote.rejected'),
  seq: Seq,
  clientMsgId: Type.String({ maxLength: 64 }),
  code: ErrorCodeSchema,
  message: Type.String(),
  field: Type.Optional(Type.String()),
  /** With `rate_limited`: seconds before another vote is accepted. */
  retryAfterS: Type.Optional(Type.Number({ minimum: 0 })),
});
export const PresenceUpdatedMessage = strictObject({
  type: Type.Literal('presence.updated'),
  seq: Seq,
  ...Presence.properties,
});
export const SessionEndedMessage = strictObject({
  type: Type.Literal('session.ended'),
  seq: Seq,
  version: Version,
  sessionId: Uuid,
});
export const TokenRenewedMessage = strictObject({
  type: Type.Literal('token.renewed'),
  seq: Seq,
  /** When the new token expires; null if it does not (participant tokens). */
  expiresAt: Nullable(EpochMs),
});
export const ErrorMessage = strictObject({
  type: Type.Literal('error'),
  seq: Seq,
  code: ErrorCodeSchema,
  message: Type.String(),
  field: Type.Optional(Type.String()),
  /** The `clientMsgId` of the command that failed, if it had one. */
  clientMsgId: Type.Optional(Type.String({ maxLength: 64 })),
  retryAfterS: Type.Optional(Type.Number({ minimum: 0 })),
});
export const PongMessage = strictObject({
  type: Type.Literal('pong'),
  seq: Seq,
  now: EpochMs,
  t: Type.Optional(Type.Number()),
});

export const ServerMessage = Type.Union([
  WelcomeMessage,
  SessionSnapshotMessage,
  PollOpenedMessage,
  PollClosedMessage,
  PollExtendedMessage,
  PollUpdatedMessage,
  ResultsUpdatedMessage,
  ResultsReleasedMessage,
  VoteAcceptedMessage,
  VoteRejectedMessage,
  PresenceUpdatedMessage,
  SessionEndedMessage,
  TokenRenewedMessage,
  ErrorMessage,
  PongMessage,
]);
export type ServerMessage = Static<typeof ServerMessage>;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
/** A server message before the connection stamps its `seq` (what the domain and bus produce). */
export type OutgoingMessage<T extends ServerMessageType = ServerMessageType> = T extends ServerMessageType
  ? Omit<ServerMessageOf<T>, 'seq'>
  : never;
