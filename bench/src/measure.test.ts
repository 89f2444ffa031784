import { expect, test } from 'bun:test';
import { newRecord, visibleLatencies } from './measure.ts';

test('an answer is visible for all once the slowest client has a frame counting it', () => {
  const a = newRecord();
  const b = newRecord();
  a.sentAt = 0;
  a.ackAt = 5;
  b.sentAt = 10;
  b.ackAt = 12;
  a.frames = [
    [20, 1],
    [120, 2],
  ];
  b.frames = [
    [30, 1],
    [125, 2],
  ];
  // answer 1 (a's): seen by a at 20 and b at 30 -> 30 ms after it was sent; answer 2 (b's): 125 - 10.
  expect(visibleLatencies([a, b])).toEqual([30, 115]);
});

test('an answer some client never saw counted is left out rather than faked', () => {
  const a = newRecord();
  a.sentAt = 0;
  a.ackAt = 1;
  const b = newRecord();
  b.frames = [];
  a.frames = [[3, 1]];
  expect(visibleLatencies([a, b])).toEqual([]);
});
