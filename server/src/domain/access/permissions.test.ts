import { describe, expect, test } from 'bun:test';
import { generateJoinCode, JOIN_CODE_ALPHABET, normalizeJoinCode } from './join-code.ts';
import { passwordProblem } from './password-policy.ts';
import { ACTIONS, can } from './permissions.ts';

describe('the permission table', () => {
  test('students and guests can never reach teacher data or the audit trail', () => {
    for (const role of ['student', 'guest'] as const) {
      for (const a of [
        'results.read_teacher',
        'participants.read',
        'responses.export',
        'audit.read',
        'poll.run',
        'session.read_teacher',
      ] as const) {
        expect(can(role, a)).toBe(false);
      }
      expect(can(role, 'vote.cast')).toBe(true);
      expect(can(role, 'session.read_student')).toBe(true);
    }
  });
  test('co-teachers run sessions but neither delete them nor manage members', () => {
    expect(can('co_teacher', 'poll.run')).toBe(true);
    expect(can('co_teacher', 'session.delete')).toBe(false);
    expect(can('co_teacher', 'session.members_manage')).toBe(false);
  });
  test('only admins read the audit trail; nobody acts without a role', () => {
    expect(ACTIONS.filter((a) => can('admin', a) && !can('teacher', a))).toEqual(['audit.read']);
    for (const a of ACTIONS) expect(can(null, a)).toBe(false);
  });
});

describe('join codes', () => {
  test('use only unambiguous characters and the requested length', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateJoinCode(6 + (i % 3));
      expect(code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${6 + (i % 3)}}$`));
      expect(code).not.toMatch(/[01OIL]/);
    }
    expect(normalizeJoinCode(' k7pxq4 ')).toBe('K7PXQ4');
  });
});

describe('password policy', () => {
  test('refuses short, common and trivial passwords and accepts a passphrase', () => {
    expect(passwordProblem('short')).toContain('10');
    expect(passwordProblem('password123')).toContain('common');
    expect(passwordProblem('Qwertyuiop')).toContain('common');
    expect(passwordProblem('aaaaaaaaaaaa')).not.toBeNull();
    expect(passwordProblem('blue-harbour-kettle-42')).toBeNull();
  });
});
