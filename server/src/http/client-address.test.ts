import { describe, expect, test } from 'bun:test';
import { clientAddressResolver, clientProtocolResolver, inRanges, parseRanges } from './client-address.ts';

describe('client address', () => {
  const resolve = clientAddressResolver(['10.0.0.0/8', '127.0.0.1', '::1']);
  test('ignores X-Forwarded-For from an untrusted peer (spoofing)', () => {
    expect(resolve('203.0.113.9', '1.2.3.4')).toBe('203.0.113.9');
  });
  test('takes the nearest untrusted hop behind trusted proxies', () => {
    expect(resolve('10.0.0.2', '198.51.100.7, 10.0.0.5')).toBe('198.51.100.7');
    expect(resolve('127.0.0.1', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
  });
  test('a garbage header falls back to the peer', () => {
    expect(resolve('10.0.0.2', 'not-an-ip')).toBe('10.0.0.2');
  });
  test('matches IPv4 and IPv6 CIDR ranges, including IPv4-mapped IPv6', () => {
    const r = parseRanges(['192.168.0.0/16', 'fd00::/8']);
    expect(inRanges('192.168.4.4', r)).toBe(true);
    expect(inRanges('::ffff:192.168.4.4', r)).toBe(true);
    expect(inRanges('192.169.0.1', r)).toBe(false);
    expect(inRanges('fd12::1', r)).toBe(true);
    expect(inRanges('fe80::1', r)).toBe(false);
  });
});

describe('client protocol', () => {
  const protocol = clientProtocolResolver(['127.0.0.1']);
  test('believes X-Forwarded-Proto only from a trusted proxy', () => {
    expect(protocol('127.0.0.1', 'https', 'http')).toBe('https');
    expect(protocol('203.0.113.9', 'https', 'http')).toBe('http');
  });
  test('takes the first value of a list, and ignores what is not http or https', () => {
    expect(protocol('127.0.0.1', 'HTTPS, http', 'http')).toBe('https');
    expect(protocol('127.0.0.1', 'gopher', 'https')).toBe('https');
    expect(protocol('127.0.0.1', null, 'http')).toBe('http');
  });
});
