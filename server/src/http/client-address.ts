/**
 * The client's address: the socket peer, or — only when that peer is a configured trusted proxy —
 * the nearest untrusted address in X-Forwarded-For. A spoofed header from an untrusted peer is ignored.
 */
import { isIP } from 'node:net';

type Range = { v6: boolean; bytes: Uint8Array; bits: number };

function toBytes(ip: string): { v6: boolean; bytes: Uint8Array } | null {
  const clean = ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const kind = isIP(clean);
  if (kind === 4) return { v6: false, bytes: Uint8Array.from(clean.split('.').map(Number)) };
  if (kind !== 6) return null;
  const [head, tail = ''] = clean.split('::');
  const h = head ? head.split(':') : [];
  const t = clean.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = clean.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return { v6: true, bytes };
}

export function parseRanges(list: string[]): Range[] {
  const out: Range[] = [];
  for (const entry of list) {
    const [ip, bitsText] = entry.split('/');
    const parsed = toBytes(ip);
    if (!parsed) continue;
    const max = parsed.v6 ? 128 : 32;
    out.push({ ...parsed, bits: bitsText === undefined ? max : Math.min(max, Number(bitsText)) });
  }
  return out;
}

export function inRanges(ip: string, ranges: Range[]): boolean {
  const p = toBytes(ip);
  if (!p) return false;
  return ranges.some((r) => {
    if (r.v6 !== p.v6) return false;
    for (let bit = 0; bit < r.bits; bit++) {
      const mask = 0x80 >> (bit % 8);
      if ((r.bytes[bit >> 3] & mask) !== (p.bytes[bit >> 3] & mask)) return false;
    }
    return true;
  });
}

/** Builds a resolver for the configured trusted proxies. */
export function clientAddressResolver(trustedProxies: string[]) {
  const ranges = parseRanges(trustedProxies);
  return (peer: string, forwardedFor: string | null): string => {
    if (!forwardedFor || !inRanges(peer, ranges)) return peer;
    const hops = forwardedFor
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!inRanges(hops[i], ranges)) return isIP(hops[i]) ? hops[i] : peer;
    }
    return hops[0] && isIP(hops[0]) ? hops[0] : peer;
  };
}

/** The client's scheme: the first X-Forwarded-Proto value when the peer is a trusted proxy, else `own`. */
export function clientProtocolResolver(trustedProxies: string[]) {
  const ranges = parseRanges(trustedProxies);
  return (peer: string, forwardedProto: string | null, own: 'http' | 'https'): 'http' | 'https' => {
    if (!forwardedProto || !inRanges(peer, ranges)) return own;
    const first = forwardedProto.split(',')[0].trim().toLowerCase();
    return first === 'https' || first === 'http' ? first : own;
  };
}
