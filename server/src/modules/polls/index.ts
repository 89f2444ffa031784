/**
 * The polls REST controller: a session's polls (create, edit, reorder, duplicate, delete, restore),
 * the live commands also available over the socket (open, close, extend, reveal, clear, new round,
 * stop), results and the CSV export. Every route takes `Authorization: Bearer <token>`; the service
 * checks the caller's role in the session before anything else.
 */
import { AppError } from '@handsup/protocol';
import { Elysia } from 'elysia';
import type { AppDeps } from '../../http/context.ts';
import { enforceLimit } from '../../http/rate-limit.ts';
import { bearerToken } from './access.ts';
import { pollEngineFor } from './engine.ts';
import {
  ExtendBody,
  ListQuery,
  Ok,
  OpenBody,
  PollCreate,
  PollList,
  PollParams,
  PollResults,
  PollUpdate,
  PollView,
  ReorderBody,
  ResultsQuery,
  RevealBody,
  SessionParams,
} from './model.ts';

export { type PollEngine, pollEngineFor } from './engine.ts';

const tags = ['polls'];
const live = ['polls: live'];

export const pollsModule = (deps: AppDeps) => {
  const engine = pollEngineFor(deps);
  const service = engine.service;
  const results = engine.results;
  const who = async (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    if (!token) throw new AppError('unauthenticated', 'Send Authorization: Bearer <token>.');
    return engine.access.authenticator.authenticate(token);
  };
  return new Elysia({ name: 'polls', prefix: '/api' })
    .get(
      '/sessions/:sessionId/polls',
      async ({ headers, params, query }) => ({
        polls: await service.list(await who(headers.authorization), params.sessionId, query.deleted),
      }),
      {
        params: SessionParams,
        query: ListQuery,
        response: PollList,
        detail: { tags, summary: "A session's polls, in order (deleted=include|only for the bin)" },
      },
    )
    .post(
      '/sessions/:sessionId/polls',
      async ({ headers, params, body, set }) => {
        set.status = 201;
        return service.create(await who(headers.authorization), params.sessionId, body);
      },
      {
        params: SessionParams,
        body: PollCreate,
        response: { 201: PollView },
        detail: { tags, summary: 'Create a poll (a draft)' },
      },
    )
    .put(
      '/sessions/:sessionId/polls/order',
      async ({ headers, params, body }) => ({
        polls: await service.reorder(await who(headers.authorization), params.sessionId, body.pollIds),
      }),
      {
        params: SessionParams,
        body: ReorderBody,
        response: PollList,
        detail: { tags, summary: 'Reorder: every poll id of the session, in the new order' },
      },
    )
    .get(
      '/polls/:pollId',
      async ({ headers, params }) => service.get(await who(headers.authorization), params.pollId),
      {
        params: PollParams,
        response: PollView,
        detail: { tags, summary: 'One poll (teacher view)' },
      },
    )
    .patch(
      '/polls/:pollId',
      async ({ headers, params, body }) =>
        service.update(await who(headers.authorization), params.pollId, body),
      {
        params: PollParams,
        body: PollUpdate,
        response: PollView,
        detail: { tags, summary: 'Edit a poll (content only while a draft)' },
      },
    )
    .post(
      '/polls/:pollId/duplicate',
      async ({ headers, params, set }) => {
        set.status = 201;
        return service.duplicate(await who(headers.authorization), params.pollId);
      },
      {
        params: PollParams,
        response: { 201: PollView },
        detail: { tags, summary: 'Duplicate a poll (a new draft after it)' },
      },
    )
    .delete(
      '/polls/:pollId',
      async ({ headers, params }) => {
        await service.remove(await who(headers.authorization), params.pollId);
        return { ok: true as const };
      },
      {
        params: PollParams,
        response: Ok,
        detail: { tags, summary: 'Delete a poll (soft; an open poll closes first)' },
      },
    )
    .post(
      '/polls/:pollId/restore',
      async ({ headers, params }) => service.restore(await who(headers.authorization), params.pollId),
      {
        params: PollParams,
        response: PollView,
        detail: { tags, summary: 'Restore a deleted poll (appended at the end)' },
      },
    )
    .post(
      '/polls/:pollId/open',
      async ({ headers, params, body }) =>
        service.command(await who(headers.authorization), params.pollId, {
          kind: 'open',
          timerSeconds: body?.timerSeconds,
        }),
      {
        params: PollParams,
        body: OpenBody,
        response: PollView,
        detail: {
          tags: live,
          summary: 'Open or reopen (closes the open poll of the session; starts an idle session)',
        },
      },
    )
    .post(
      '/polls/:pollId/close',
      async ({ headers, params }) =>
        service.command(await who(headers.authorization), params.pollId, { kind: 'close' }),
      {
        params: PollParams,
        response: PollView,
        detail: { tags: live, summary: 'Close now' },
      },
    )
    .post(
      '/polls/:pollId/extend',
      async ({ headers, params, body }) =>
        service.command(await who(headers.authorization), params.pollId, {
          kind: 'extend',
          seconds: body.seconds,
        }),
      {
        params: PollParams,
        body: ExtendBody,
        response: PollView,
        detail: { tags: live, summary: 'Add seconds to the deadline' },
      },
    )
    .post(
      '/polls/:pollId/reveal',
      async ({ headers, params, body }) =>
        service.command(await who(headers.authorization), params.pollId, { kind: 'reveal', ...body }),
      {
        params: PollParams,
        body: RevealBody,
        response: PollView,
        detail: { tags: live, summary: 'Release or withdraw results and/or the correct answer' },
      },
    )
    .post(
      '/polls/:pollId/clear',
      async ({ headers, params }) =>
        service.command(await who(headers.authorization), params.pollId, { kind: 'clear' }),
      {
        params: PollParams,
        response: PollView,
        detail: { tags: live, summary: "Reset: delete this round's answers, back to draft (audited)" },
      },
    )
    .post(
      '/polls/:pollId/rounds',
      async ({ headers, params }) =>
        service.command(await who(headers.authorization), params.pollId, { kind: 'new_round' }),
      {
        params: PollParams,
        response: PollView,
        detail: { tags: live, summary: 'Run again as a new round (earlier rounds kept apart)' },
      },
    )
    .get(
      '/polls/:pollId/results',
      async ({ headers, params, query }) =>
        results.results(await who(headers.authorization), params.pollId, query.round),
      {
        params: PollParams,
        query: ResultsQuery,
        response: PollResults,
        detail: { tags, summary: 'Results of a round (default: the current one), teacher view' },
      },
    )
    .get(
      '/sessions/:sessionId/results.csv',
      async ({ headers, params }) => {
        const caller = await who(headers.authorization);
        await enforceLimit(
          deps,
          'exports',
          caller.kind === 'user' ? `user:${caller.userId}` : `participant:${caller.participantId}`,
        );
        const csv = await results.exportCsv(caller, params.sessionId);
        return new Response(csv, {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="handsup-${params.sessionId}.csv"`,
            'cache-control': 'no-store',
          },
        });
      },
      {
        params: SessionParams,
        detail: {
          tags,
          summary: 'Export every answer (names unless anonymous) and a summary per poll round, as CSV',
        },
      },
    );
};
