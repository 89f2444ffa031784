import { describe, expect, test } from 'bun:test';
import { qrShape } from './qr-path.ts';

describe('QR shape', () => {
  test('encodes a join link as a square path with a quiet zone', () => {
    const q = qrShape('https://polls.example.edu/j/K7PXQ4');
    expect(q.size).toBeGreaterThanOrEqual(21 + 4);
    expect(q.path.startsWith('M2 2h1v1h-1z')).toBe(true); // finder pattern corner
  });
});
