/**
 * A tiny, dependency-free Prometheus registry: counters, gauges and histograms with fixed buckets and
 * labels, rendered in the text exposition format (0.0.4). One registry per process (`metrics`), as
 * Prometheus scrapes a process: modules register their metrics once at import or on first use —
 * registering the same name again returns the same metric, so modules built per server (tests start
 * several in one process) can call it freely.
 *
 * @example
 *   const votes = metrics.counter({ name: 'handsup_votes_rejected_total', help: 'Votes refused', labels: ['reason'] });
 *   votes.inc({ reason: 'poll_closed' });
 *   const ack = metrics.histogram({ name: 'handsup_vote_ack_seconds', help: 'vote.cast to vote.accepted' });
 *   ack.observe(0.004);
 */
export type Labels = Record<string, string | number>;

type Kind = 'counter' | 'gauge' | 'histogram';

interface MetricOptions<L extends string> {
  name: string;
  help: string;
  /** Label names this metric accepts; every observation must give exactly these. */
  labels?: readonly L[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Default latency buckets, in seconds: 1 ms … 10 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function renderLabels(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

abstract class Metric<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  abstract readonly kind: Kind;

  constructor(opts: MetricOptions<L>) {
    if (!NAME.test(opts.name)) throw new Error(`invalid metric name ${JSON.stringify(opts.name)}`);
    for (const l of opts.labels ?? []) {
      if (!LABEL.test(l) || l === 'le' || l.startsWith('__'))
        throw new Error(`invalid label name ${JSON.stringify(l)} on ${opts.name}`);
    }
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labels ?? [];
  }

  /** The series key (label values joined) for a label set, checking it names exactly the declared labels. */
  protected key(labels: Partial<Record<L, string | number>> | undefined): string {
    const given: Partial<Record<string, string | number>> = labels ?? {};
    const names = Object.keys(given);
    if (names.length !== this.labelNames.length || names.some((n) => !this.labelNames.includes(n as L))) {
      throw new Error(`${this.name} takes labels [${this.labelNames.join(', ')}], got [${names.join(', ')}]`);
    }
    return JSON.stringify(this.labelNames.map((n) => String(given[n])));
  }

  protected header(): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.kind}`];
  }

  abstract render(): string[];
}

export class Counter<L extends string = never> extends Metric<L> {
  readonly kind = 'counter';
  private readonly values = new Map<string, number>();

  inc(labels?: Record<L, string | number>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    const k = this.key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  get(labels?: Record<L, string | number>): number {
    return this.values.get(this.key(labels)) ?? 0;
  }

  render(): string[] {
    const out = this.header();
    if (this.values.size === 0 && this.labelNames.length === 0) out.push(`${this.name} 0`);
    for (const [k, v] of this.values)
      out.push(`${this.name}${renderLabels(this.labelNames, JSON.parse(k))} ${formatValue(v)}`);
    return out;
  }
}

export class Gauge<L extends string = never> extends Metric<L> {
  readonly kind = 'gauge';
  private readonly values = new Map<string, number>();
  private readonly sources = new Map<string, Set<() => number>>();

  set(labels: Record<L, string | number> | undefined, value: number): void {
    this.values.set(this.key(labels), value);
  }

  inc(labels?: Record<L, string | number>, by = 1): void {
    const k = this.key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }

  dec(labels?: Record<L, string | number>, by = 1): void {
    this.inc(labels, -by);
  }

  /**
   * Reads `source()` at every scrape and adds it to the series (several sources for one label set are
   * summed: two servers in one process report their sockets together). Returns the function that stops it.
   */
  track(source: () => number, labels?: Record<L, string | number>): () => void {
    const k = this.key(labels);
    let set = this.sources.get(k);
    if (!set) {
      set = new Set();
      this.sources.set(k, set);
    }
    set.add(source);
    return () => {
      set.delete(source);
    };
  }

  get(labels?: Record<L, string | number>): number {
    const k = this.key(labels);
    let v = this.values.get(k) ?? 0;
    for (const s of this.sources.get(k) ?? []) v += s();
    return v;
  }

  render(): string[] {
    const out = this.header();
    const keys = new Set([
      ...this.values.keys(),
      ...[...this.sources].filter(([, s]) => s.size > 0).map(([k]) => k),
    ]);
    if (keys.size === 0 && this.labelNames.length === 0) keys.add('[]');
    for (const k of keys) {
      let v = this.values.get(k) ?? 0;
      for (const s of this.sources.get(k) ?? []) v += s();
      out.push(`${this.name}${renderLabels(this.labelNames, JSON.parse(k))} ${formatValue(v)}`);
    }
    return out;
  }
}

interface HistogramSeries {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends string = never> extends Metric<L> {
  readonly kind = 'histogram';
  readonly buckets: readonly number[];
  private readonly series = new Map<string, HistogramSeries>();

  constructor(opts: MetricOptions<L> & { buckets?: readonly number[] }) {
    super(opts);
    const b = [...(opts.buckets ?? LATENCY_BUCKETS)];
    if (b.length === 0 || b.some((x, i) => !Number.isFinite(x) || (i > 0 && x <= b[i - 1]))) {
      throw new Error(`${opts.name}: buckets must be finite and strictly increasing`);
    }
    this.buckets = b;
  }

  observe(value: number, labels?: Record<L, string | number>): void {
    const k = this.key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  /** Starts a timer; calling the result observes the elapsed seconds (and returns them). */
  startTimer(labels?: Record<L, string | number>): () => number {
    const t0 = performance.now();
    return () => {
      const secs = (performance.now() - t0) / 1000;
      this.observe(secs, labels);
      return secs;
    };
  }

  get(labels?: Record<L, string | number>): { count: number; sum: number } {
    const s = this.series.get(this.key(labels));
    return { count: s?.count ?? 0, sum: s?.sum ?? 0 };
  }

  render(): string[] {
    const out = this.header();
    const entries = [...this.series];
    if (entries.length === 0 && this.labelNames.length === 0)
      entries.push(['[]', { counts: this.buckets.map(() => 0), sum: 0, count: 0 }]);
    for (const [k, s] of entries) {
      const values = JSON.parse(k) as string[];
      this.buckets.forEach((b, i) => {
        out.push(
          `${this.name}_bucket${renderLabels(this.labelNames, values, ['le', formatValue(b)])} ${s.counts[i]}`,
        );
      });
      out.push(`${this.name}_bucket${renderLabels(this.labelNames, values, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${renderLabels(this.labelNames, values)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${renderLabels(this.labelNames, values)} ${s.count}`);
    }
    return out;
  }
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

export class Registry {
  private readonly metrics = new Map<string, AnyMetric>();
  private readonly collectors = new Set<() => void | Promise<void>>();

  private getOrAdd<M extends AnyMetric>(kind: Kind, opts: MetricOptions<string>, make: () => M): M {
    const existing = this.metrics.get(opts.name);
    if (existing) {
      const same = existing.kind === kind && existing.labelNames.join() === (opts.labels ?? []).join();
      if (!same)
        throw new Error(
          `metric ${opts.name} is already registered as a ${existing.kind} with labels [${existing.labelNames.join(', ')}]`,
        );
      return existing as M;
    }
    const m = make();
    this.metrics.set(opts.name, m);
    return m;
  }

  counter<L extends string = never>(opts: MetricOptions<L>): Counter<L> {
    return this.getOrAdd(
      'counter',
      opts,
      () => new Counter(opts) as Counter<string>,
    ) as unknown as Counter<L>;
  }

  gauge<L extends string = never>(opts: MetricOptions<L>): Gauge<L> {
    return this.getOrAdd('gauge', opts, () => new Gauge(opts) as Gauge<string>) as unknown as Gauge<L>;
  }

  histogram<L extends string = never>(
    opts: MetricOptions<L> & { buckets?: readonly number[] },
  ): Histogram<L> {
    return this.getOrAdd(
      'histogram',
      opts,
      () => new Histogram(opts) as Histogram<string>,
    ) as unknown as Histogram<L>;
  }

  /** Runs `fn` before every render (to sample a value at scrape time). Returns the function that removes it. */
  onCollect(fn: () => void | Promise<void>): () => void {
    this.collectors.add(fn);
    return () => {
      this.collectors.delete(fn);
    };
  }

  /** The whole registry in Prometheus text format (`text/plain; version=0.0.4`). */
  async render(): Promise<string> {
    await Promise.all([...this.collectors].map(async (c) => c()));
    const lines: string[] = [];
    for (const m of [...this.metrics.values()].sort((a, b) => a.name.localeCompare(b.name)))
      lines.push(...m.render());
    return `${lines.join('\n')}\n`;
  }
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The process's registry: every module registers here, `/metrics` renders it. */
export const metrics = new Registry();

/** Open WebSocket connections on this process; the server tracks its gateway's size here. */
export const websocketConnections = metrics.gauge({
  name: 'handsup_websocket_connections',
  help: 'Open WebSocket connections on this process.',
});
