/**
 * After the whole end-to-end run: the servers' logs (everything they printed) must hold no token —
 * participant tokens (pt_…), refresh tokens (rt_…) or JWTs (access, app-session, LTI id_tokens).
 * A hit fails the run, naming the server and a shortened sample (never the whole token).
 */
export const TOKEN_SHAPES: Record<string, RegExp> = {
  'participant token': /\bpt_[\w-]{8,}/g,
  'refresh token': /\brt_[\w-]{8,}/g,
  JWT: /eyJ[\w-]{4,}\.eyJ[\w-]{4,}/g,
};

export function tokensIn(text: string): string[] {
  const hits: string[] = [];
  for (const [kind, re] of Object.entries(TOKEN_SHAPES))
    for (const m of text.matchAll(re)) hits.push(`${kind}: ${m[0].slice(0, 10)}…`);
  return hits;
}

export function assertNoTokensInLogs(servers: Record<string, { logs: string[] }>): void {
  const found = Object.entries(servers).flatMap(([name, s]) =>
    tokensIn(s.logs.join('')).map((h) => `${name} server log holds a ${h}`),
  );
  if (found.length) throw new Error(`Secrets leaked into the logs:\n  ${found.join('\n  ')}`);
}
