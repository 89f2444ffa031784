import { describe, expect, test } from 'bun:test';
import { shortcutFor } from './shortcuts.ts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('presenter shortcuts', () => {
  test('single keys map to commands, case-insensitively', () => {
    expect(shortcutFor(key('N'), false)).toBe('n');
    expect(shortcutFor(key('?'), false)).toBe('?');
  });
  test('browser shortcuts and typing are left alone', () => {
    expect(shortcutFor(key('r', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key('o'), true)).toBeNull();
    expect(shortcutFor(key('x'), false)).toBeNull();
  });
});
