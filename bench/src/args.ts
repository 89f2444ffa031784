/** Command-line options of `bun run bench -- --students N --window-s S --mode embedded|postgres|cluster`. */
export type Mode = 'embedded' | 'postgres' | 'cluster';

export interface BenchArgs {
  students: number;
  windowS: number;
  mode: Mode;
  nodes: number;
  baseline: boolean;
  options: number;
  /** Cluster only: also run one node first and report throughput(N nodes) / throughput(1 node). */
  scaling: boolean;
}

export function parseArgs(argv: string[]): BenchArgs {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, dflt: number, min: number, max: number): number => {
    const v = get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${name} must be a number from ${min} to ${max}, got ${v}`);
    return n;
  };
  const mode = (get('mode') ?? 'embedded') as Mode;
  if (!['embedded', 'postgres', 'cluster'].includes(mode))
    throw new Error(`--mode must be embedded, postgres or cluster, got ${mode}`);
  return {
    students: num('students', 2000, 1, 20000),
    windowS: num('window-s', 10, 1, 600),
    mode,
    nodes: num('nodes', mode === 'cluster' ? 2 : 1, 1, 8),
    baseline: !argv.includes('--no-baseline'),
    options: num('options', 4, 2, 20),
    scaling: argv.includes('--scaling'),
  };
}
