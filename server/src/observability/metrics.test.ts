import { describe, expect, test } from 'bun:test';
import { Registry } from './metrics.ts';

describe('the Prometheus registry', () => {
  test('renders counters, gauges and histograms in the text exposition format', async () => {
    const r = new Registry();
    const votes = r.counter({ name: 'votes_rejected_total', help: 'Votes refused.', labels: ['reason'] });
    votes.inc({ reason: 'poll_closed' });
    votes.inc({ reason: 'poll_closed' }, 2);
    votes.inc({ reason: 'say "hi"\\\nnow' });
    r.gauge({ name: 'open_polls', help: 'Open polls.' }).set(undefined, 4);
    const ack = r.histogram({
      name: 'ack_seconds',
      help: 'Ack latency.\nSecond line.',
      buckets: [0.01, 0.1, 1],
    });
    ack.observe(0.005);
    ack.observe(0.05);
    ack.observe(5);
    expect(await r.render()).toBe(
      [
        '# HELP ack_seconds Ack latency.\\nSecond line.',
        '# TYPE ack_seconds histogram',
        'ack_seconds_bucket{le="0.01"} 1',
        'ack_seconds_bucket{le="0.1"} 2',
        'ack_seconds_bucket{le="1"} 2',
        'ack_seconds_bucket{le="+Inf"} 3',
        'ack_seconds_sum 5.055',
        'ack_seconds_count 3',
        '# HELP open_polls Open polls.',
        '# TYPE open_polls gauge',
        'open_polls 4',
        '# HELP votes_rejected_total Votes refused.',
        '# TYPE votes_rejected_total counter',
        'votes_rejected_total{reason="poll_closed"} 3',
        'votes_rejected_total{reason="say \\"hi\\"\\\\\\nnow"} 1',
        '',
      ].join('\n'),
    );
  });

  test('an unlabelled metric is rendered at zero before its first observation', async () => {
    const r = new Registry();
    r.counter({ name: 'a_total', help: 'a' });
    r.histogram({ name: 'b_seconds', help: 'b', buckets: [1] });
    r.counter({ name: 'c_total', help: 'c', labels: ['x'] });
    const text = await r.render();
    expect(text).toContain('a_total 0\n');
    expect(text).toContain('b_seconds_bucket{le="+Inf"} 0\nb_seconds_sum 0\nb_seconds_count 0\n');
    expect(text).not.toContain('c_total{');
  });

  test('histogram buckets are cumulative per label set, and a timer observes elapsed seconds', async () => {
    const r = new Registry();
    const h = r.histogram({ name: 'h_seconds', help: 'h', labels: ['route'], buckets: [0.5, 1] });
    h.observe(0.2, { route: '/a' });
    h.observe(0.7, { route: '/a' });
    h.observe(0.7, { route: '/b' });
    const secs = h.startTimer({ route: '/c' })();
    expect(secs).toBeGreaterThanOrEqual(0);
    const text = await r.render();
    expect(text).toContain(
      'h_seconds_bucket{route="/a",le="0.5"} 1\nh_seconds_bucket{route="/a",le="1"} 2\n',
    );
    expect(text).toContain('h_seconds_bucket{route="/b",le="0.5"} 0\n');
    expect(text).toContain('h_seconds_count{route="/c"} 1\n');
    expect(h.get({ route: '/a' })).toEqual({ count: 2, sum: 0.8999999999999999 });
  });

  test('a tracked gauge sums its sources at scrape time and forgets a source once untracked', async () => {
    const r = new Registry();
    const sockets = r.gauge({ name: 'sockets', help: 's', labels: ['role'] });
    let a = 3;
    const stopA = sockets.track(() => a, { role: 'student' });
    sockets.track(() => 2, { role: 'student' });
    sockets.set({ role: 'teacher' }, 1);
    a = 5;
    const text = await r.render();
    expect(text).toContain('sockets{role="student"} 7\n');
    expect(text).toContain('sockets{role="teacher"} 1\n');
    stopA();
    expect(sockets.get({ role: 'student' })).toBe(2);
  });

  test('collectors run before every render', async () => {
    const r = new Registry();
    const g = r.gauge({ name: 'sampled', help: 's' });
    let n = 0;
    const off = r.onCollect(async () => {
      n += 1;
      g.set(undefined, n);
    });
    expect(await r.render()).toContain('sampled 1\n');
    expect(await r.render()).toContain('sampled 2\n');
    off();
    expect(await r.render()).toContain('sampled 2\n');
  });

  test('registering a name again returns the same metric; a different type or label set is refused', () => {
    const r = new Registry();
    const a = r.counter({ name: 'x_total', help: 'x', labels: ['reason'] });
    expect(r.counter({ name: 'x_total', help: 'x', labels: ['reason'] })).toBe(a);
    expect(() => r.gauge({ name: 'x_total', help: 'x', labels: ['reason'] })).toThrow(
      /already registered as a counter/,
    );
    expect(() => r.counter({ name: 'x_total', help: 'x' })).toThrow(/already registered/);
  });

  test('bad names, labels, buckets and decrements are programming errors', () => {
    const r = new Registry();
    expect(() => r.counter({ name: 'bad-name', help: '' })).toThrow(/invalid metric name/);
    expect(() => r.counter({ name: 'ok_total', help: '', labels: ['le'] })).toThrow(/invalid label name/);
    expect(() => r.histogram({ name: 'h', help: '', buckets: [1, 1] })).toThrow(/strictly increasing/);
    const c = r.counter({ name: 'c_total', help: '', labels: ['reason'] });
    expect(() => c.inc({ reason: 'a' }, -1)).toThrow(/only goes up/);
    expect(() => c.inc()).toThrow(/takes labels \[reason\], got \[\]/);
    expect(() => c.inc({ reason: 'a', other: 'b' } as { reason: string })).toThrow(/takes labels/);
  });
});
