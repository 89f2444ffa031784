/**
 * Password rules for local accounts: at least 10 characters and not one of the commonly used
 * passwords in common-passwords.txt (the first thousand of a public breach-frequency list, lower case).
 * Returns the reason a password is refused, or null.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MIN_PASSWORD_LENGTH = 10;
let common: Set<string> | null = null;
const commonPasswords = (): Set<string> => {
  common ??= new Set(
    readFileSync(join(import.meta.dir, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  );
  return common;
};

export function passwordProblem(password: string, email?: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'This password is too common; choose another.';
  if (email && lower === email.toLowerCase()) return 'Do not use your email address as the password.';
  if (new Set(password).size < 3) return 'This password is too easy to guess; choose another.';
  return null;
}

/** Emails are compared trimmed and lower-cased (one account per mailbox, whatever the typing). */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
