import { afterAll, expect, test } from 'bun:test';
import { parseServerMessage, type ServerMessage } from '@handsup/protocol';
import { describeStorage } from '../testing/storage-matrix.ts';
import { choice, classroom, createPoll, eventually, type Node, startNode } from './testing/live-kit.ts';

/** The fallback transport: the same messages as Server-Sent Events down and POST up. */
describeStorage('SSE + POST fallback', (ctx) => {
  let node: Node;
  afterAll(async () => node?.stop());

  test('streams welcome and snapshot, accepts a vote by POST and acknowledges it on the stream', async () => {
    node = await startNode(await ctx.open());
    const room = await classroom(node, 1);
    const poll = await createPoll(node, room, choice());
    await node.call('POST', `/api/polls/${poll.id}/open`, { token: room.teacherToken, body: {} });
    const token = room.students[0].token;
    const abort = new AbortController();
    const res = await fetch(`${node.url}/api/realtime/sse?sessionId=${room.sessionId}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const frames: ServerMessage[] = [];
    const ids: number[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body!) {
          buf += decoder.decode(chunk);
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const event = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const id = /^id: (\d+)$/m.exec(event);
            const data = /^data: (.*)$/m.exec(event);
            if (id && data) {
              const parsed = parseServerMessage(data[1]);
              if (parsed.ok) frames.push(parsed.message);
              ids.push(Number(id[1]));
            }
            i = buf.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
    const welcome = await eventually(() => frames.find((f) => f.type === 'welcome'));
    const snap = await eventually(() => frames.find((f) => f.type === 'session.snapshot'));
    expect(snap.type === 'session.snapshot' && snap.openPoll?.id).toBe(poll.id);
    const connectionId = welcome.type === 'welcome' ? welcome.connectionId : '';
    const clientMsgId = crypto.randomUUID();
    const post = await fetch(`${node.url}/api/realtime/send?connectionId=${connectionId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'vote.cast',
        pollId: poll.id,
        value: { type: 'single_choice', optionId: 'b' },
        clientMsgId,
      }),
    });
    expect(post.status).toBe(202);
    await eventually(() => frames.find((f) => f.type === 'vote.accepted' && f.clientMsgId === clientMsgId));
    expect(ids).toEqual(ids.map((_, i) => i));
    const wrong = await fetch(`${node.url}/api/realtime/send?connectionId=${connectionId}`, {
      method: 'POST',
      headers: { authorization: 'Bearer someone-else', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ping' }),
    });
    expect(wrong.status).toBe(404);
    abort.abort();
  });
});
