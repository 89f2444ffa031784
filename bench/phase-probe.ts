import { PROTOCOL_VERSION } from '@handsup/protocol';
const base = 'http://127.0.0.1:18080';
const pid = Number(process.env.SPID);
async function api(path: string, init: { body?: unknown; token?: string; method?: string } = {}) {
  const res = await fetch(base + path, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: { 'content-type': 'application/json', origin: base, ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) }, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const t = await res.text(); if (!res.ok) throw new Error(path + ' ' + res.status + t); return t ? JSON.parse(t) : {};
}
const mark = async (label: string) => { console.log('== ' + label); process.kill(pid, 'SIGUSR2'); await Bun.sleep(1500); };
const s = Math.random().toString(36).slice(2, 8);
const { accessToken: token } = await api('/api/auth/sign-up', { body: { email: `p-${s}@example.edu`, password: `pw-password-${s}`, displayName: 'T' } });
const session = await api('/api/sessions', { body: { title: 'P' }, token });
const poll = await api(`/api/sessions/${session.id}/polls`, { token, body: { prompt: 'Q?', content: { type: 'single_choice', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] }, settings: { resultsVisibility: 'live', allowAnswerChange: false } } });
await api(`/api/sessions/${session.id}/start`, { method: 'POST', token });
await mark('setup');
const N = Number(process.env.N ?? 5000);
async function joinAll(k: number) {
  const toks: string[] = [];
  for (let b = 0; b < N; b += 100) {
    const r = await Promise.all(Array.from({ length: Math.min(100, N - b) }, (_, i) => api(`/api/join/${session.joinCode}`, { body: { displayName: `S${k}-${b + i}` } })));
    for (const x of r) toks.push(x.participantToken);
  }
  return toks;
}
const toks = await joinAll(0);
await mark('joined 5000 (REST)');
const wss: WebSocket[] = [];
for (let b = 0; b < N; b += 100) {
  await Promise.all(toks.slice(b, b + 100).map((t) => new Promise<void>((res) => { const ws = new WebSocket(base.replace('http', 'ws') + '/ws'); ws.onopen = () => { ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token: t, sessionId: session.id })); }; ws.onmessage = () => { res(); }; wss.push(ws); })));
}
await mark('connected 5000 (WS+hello)');
const teacher = new WebSocket(base.replace('http', 'ws') + '/ws'); await new Promise<void>((r) => { teacher.onopen = () => { teacher.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, token, sessionId: session.id })); r(); }; });
await Bun.sleep(300);
teacher.send(JSON.stringify({ type: 'poll.open', pollId: poll.id }));
await Bun.sleep(1000);
for (let i = 0; i < N; i++) { wss[i].send(JSON.stringify({ type: 'vote.cast', pollId: poll.id, clientMsgId: `c-${s}-${i}`, value: { type: 'single_choice', optionId: i % 2 ? 'a' : 'b' } })); if (i % 500 === 0) await Bun.sleep(50); }
await Bun.sleep(3000);
await mark('voted 5000');
for (const w of wss) w.close();
await Bun.sleep(2000);
await mark('closed sockets');
await joinAll(1);
await mark('joined 5000 more (REST)');
process.exit(0);
