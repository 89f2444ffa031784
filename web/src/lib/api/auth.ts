/** Teacher accounts: sign-up, sign-in, sign-out, and "who am I" after a reload (via the cookie). */
import type { SignInBody, SignUpBody, TokenAnswer, UserView } from '@handsup/protocol/rest';
import { api } from './http.ts';
import { currentUser, refreshAccess, setSession } from './tokens.ts';

export async function signUp(body: SignUpBody): Promise<UserView> {
  const answer = await api<TokenAnswer>('POST', '/api/auth/sign-up', { body, auth: { kind: 'none' } });
  setSession(answer);
  return answer.user;
}

export async function signIn(body: SignInBody): Promise<UserView> {
  const answer = await api<TokenAnswer>('POST', '/api/auth/sign-in', { body, auth: { kind: 'none' } });
  setSession(answer);
  return answer.user;
}

export async function signOut(): Promise<void> {
  try {
    await api('POST', '/api/auth/sign-out', { auth: { kind: 'user' } });
  } finally {
    setSession(null);
  }
}

/** The signed-in user, restoring the session from the refresh cookie after a reload; null if none. */
export async function restoreUser(): Promise<UserView | null> {
  if (currentUser()) return currentUser();
  await refreshAccess();
  return currentUser();
}
