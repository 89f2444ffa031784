import { expect, test } from 'bun:test';
import { createLogger } from './logger.ts';

test('writes one JSON object per line with the child context on every line', () => {
  const lines: string[] = [];
  const log = createLogger('info', { node: 'a' }, (l) => lines.push(l)).child({ requestId: 'r1' });
  log.info('request', { status: 200 });
  log.debug('hidden');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0])).toMatchObject({
    level: 'info',
    msg: 'request',
    node: 'a',
    requestId: 'r1',
    status: 200,
  });
});

test('never writes secrets, however deep they are', () => {
  const lines: string[] = [];
  const log = createLogger('debug', {}, (l) => lines.push(l));
  log.info('login', {
    body: { email: 'a@b.c', password: 'hunter2hunter2' },
    headers: { authorization: 'Bearer abc.def' },
    refreshToken: 'zzz',
  });
  expect(lines[0]).not.toContain('hunter2');
  expect(lines[0]).not.toContain('abc.def');
  expect(lines[0]).not.toContain('zzz');
  expect(lines[0]).toContain('a@b.c');
});
