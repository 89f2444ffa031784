/**
 * Students joining by code. The participant token is kept in localStorage per join code, so a reload,
 * a closed tab or a dropped connection never turns a student into a second participant.
 */
import type { JoinAnswer, JoinSummary } from '@handsup/protocol/rest';
import { api } from './http.ts';

const key = (code: string) => `handsup.participant.${code.toUpperCase()}`;

export interface StoredParticipant {
  participantToken: string;
  participantId: string;
  sessionId: string;
  displayName?: string;
}

export function storedParticipant(code: string): StoredParticipant | null {
  try {
    const raw = localStorage.getItem(key(code));
    return raw ? (JSON.parse(raw) as StoredParticipant) : null;
  } catch {
    return null;
  }
}

export function forgetParticipant(code: string): void {
  try {
    localStorage.removeItem(key(code));
  } catch {
    // storage disabled: nothing was kept
  }
}

/** Looks the code up (title, anonymity, whether a name is needed). Sends our token when we have one. */
export function lookUp(code: string): Promise<JoinSummary> {
  const mine = storedParticipant(code);
  return api<JoinSummary>('GET', `/api/join/${encodeURIComponent(code)}`, {
    auth: mine ? { kind: 'token', token: mine.participantToken } : { kind: 'none' },
  });
}

export async function join(code: string, displayName?: string): Promise<StoredParticipant> {
  const answer = await api<JoinAnswer>('POST', `/api/join/${encodeURIComponent(code)}`, {
    body: displayName ? { displayName } : {},
    auth: { kind: 'none' },
  });
  const stored: StoredParticipant = {
    participantToken: answer.participantToken,
    participantId: answer.participantId,
    sessionId: answer.session.sessionId,
    displayName,
  };
  try {
    localStorage.setItem(key(code), JSON.stringify(stored));
  } catch {
    // Private mode without storage: the student stays joined until the tab closes.
  }
  return stored;
}
