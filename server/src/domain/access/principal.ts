/**
 * Who is asking. Every REST route and every WebSocket message resolves its caller to a Principal
 * first, then asks `can(role, action)` (permissions.ts) with the caller's role in the session or
 * course at hand. Shared contract between the accounts module and the realtime gateway.
 */
export type Role = 'admin' | 'teacher' | 'co_teacher' | 'student' | 'guest';

export type Principal =
  /** A signed-in account: local password (access JWT) or LTI launch (app-session JWT). */
  | { kind: 'user'; userId: string; isAdmin: boolean; via: 'password' | 'lti'; tokenId?: string }
  /** A participant of one session, identified by the participant token the browser keeps. */
  | {
      kind: 'participant';
      participantId: string;
      sessionId: string;
      userId: string | null;
      /** The name the participant joined with, when the authenticator read it ('' when anonymous). */
      displayName?: string;
    };

/** Turns a bearer credential (JWT or participant token) into a Principal, or throws AppError. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal>;
}

/** The caller's role in a session (null: no access at all). */
export interface SessionAccess {
  roleInSession(principal: Principal, sessionId: string): Promise<Role | null>;
}
