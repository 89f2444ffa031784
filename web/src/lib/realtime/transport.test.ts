import { describe, expect, test } from 'bun:test';
import { createSseParser, socketUrl } from './transport.ts';

describe('transports', () => {
  test('the socket lives on the page origin, secure when the page is', () => {
    expect(socketUrl('https://polls.example.edu')).toBe('wss://polls.example.edu/ws');
    expect(socketUrl('http://localhost:3000')).toBe('ws://localhost:3000/ws');
  });

  test('SSE data split across chunks and line endings comes out as whole messages', () => {
    const out: string[] = [];
    const feed = createSseParser((d) => out.push(d));
    feed(': comment\r\ndata: {"type":"po');
    feed('ng"}\r\n\r\nevent: x\ndata:{"a":1}\n\ndata: line1\ndata: line2\n\n');
    expect(out).toEqual(['{"type":"pong"}', '{"a":1}', 'line1\nline2']);
  });
});
