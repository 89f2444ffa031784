import { afterAll, expect, test } from 'bun:test';
import { describeStorage } from '../testing/storage-matrix.ts';
import {
  type Client,
  classroom,
  connect,
  createPoll,
  eventually,
  type Node,
  startNode,
} from './testing/live-kit.ts';

/**
 * Every frame a student receives through a whole poll — open, answers, close, reveal results, reveal
 * the correct answer, a new round — is inspected: no names or ids of other students, no other
 * students' answers, no correct answer and no results before the teacher releases them.
 */
describeStorage('what students receive', (ctx) => {
  let node: Node;
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await node?.stop();
  });

  for (const type of ['single_choice', 'open_text'] as const) {
    test(`${type}: no names, no other answers, no correct answer or results before release`, async () => {
      node ??= await startNode(await ctx.open());
      const room = await classroom(node, 3, { anonymity: 'teacher_only' });
      const body =
        type === 'single_choice'
          ? {
              prompt: 'Which is a noble gas?',
              content: {
                type,
                options: [
                  { id: 'ne', text: 'Neon' },
                  { id: 'fe', text: 'Iron' },
                ],
              },
              settings: { resultsVisibility: 'on_reveal', correct: { kind: 'choice', optionIds: ['ne'] } },
            }
          : { prompt: 'One word for today', content: { type }, settings: { resultsVisibility: 'on_reveal' } };
      const poll = await createPoll(node, room, body);
      const teacher = await connect(node, room.teacherToken, room.sessionId);
      const [me, ...others] = await Promise.all(
        room.students.map((s) => connect(node, s.token, room.sessionId)),
      );
      clients.push(teacher, me, ...others);
      const from = me.raw.length;
      teacher.send({ type: 'poll.open', pollId: poll.id });
      await me.next('poll.opened');
      const value = (i: number) =>
        type === 'single_choice'
          ? { type, optionId: i === 0 ? 'fe' : 'ne' }
          : { type, text: `secret-answer-${i}` };
      for (const [i, c] of [me, ...others].entries()) {
        const id = crypto.randomUUID();
        c.send({ type: 'vote.cast', pollId: poll.id, value: value(i), clientMsgId: id });
        await c.next('vote.accepted', (m) => m.clientMsgId === id);
      }
      await teacher.next('results.updated', (m) => m.answeredCount === 3);
      const beforeRelease = me.raw.length;
      teacher.send({ type: 'poll.close', pollId: poll.id });
      await me.next('poll.closed');
      const closedAt = me.raw.length;
      teacher.send({ type: 'poll.reveal', pollId: poll.id, results: true });
      await me.next('results.released', (m) => m.resultsReleased);
      if (type === 'single_choice') {
        teacher.send({ type: 'poll.reveal', pollId: poll.id, results: true, correct: true });
        await me.next('results.released', (m) => m.correctReleased);
      }
      teacher.send({ type: 'poll.reset', pollId: poll.id });
      await me.next('poll.updated', (m) => m.poll.round === 2);
      me.send({ type: 'snapshot.request' });
      await eventually(() => me.frames.filter((f) => f.type === 'session.snapshot').length >= 2);
      // The teacher did get names (open text) and who answered: the test can tell the difference.
      if (type === 'open_text') expect(teacher.raw.join('\n')).toContain(room.students[1].name);

      const all = me.raw.slice(from);
      const text = all.join('\n');
      for (const s of room.students) expect(text).not.toContain(s.name);
      for (const s of room.students.slice(1)) expect(text).not.toContain(s.participantId);
      expect(text).not.toContain('answeredParticipantIds');
      expect(text).not.toContain('"name"');
      expect(text).not.toContain('presence');
      // Before release: no results, no correct answer, no other students' answers.
      const early = me.raw.slice(from, closedAt).join('\n');
      expect(early).not.toContain('"results"');
      expect(early).not.toContain('"correct"');
      expect(early).not.toContain('secret-answer-1');
      expect(early).not.toContain('secret-answer-2');
      expect(me.raw.slice(from, beforeRelease).join('\n')).not.toContain('results.updated');
      // After release: results (open text without names), and the correct answer only once revealed.
      const released = me.frames.find((f) => f.type === 'results.released' && f.resultsReleased);
      expect(released && 'results' in released && released.results).toBeTruthy();
      if (type === 'single_choice') {
        const firstRelease = me.frames.findIndex((f) => f.type === 'results.released');
        const correctAt = me.frames.findIndex((f) => f.type === 'results.released' && f.correctReleased);
        expect(JSON.stringify(me.frames.slice(0, correctAt))).not.toContain('"correct"');
        expect(correctAt).toBeGreaterThan(firstRelease);
      } else {
        expect(text).toContain('secret-answer-2'); // released words, without names
      }
    });
  }
});
