/** Percentiles and process readings for benchmark reports. */
import { readFileSync } from 'node:fs';

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const round1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

/** RSS (MB) and CPU time (user+system, s) of a process, read from /proc. */
export function processUsage(pid: number): { rssMb: number; cpuS: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rssMb: Math.round(rssKb / 102.4) / 10, cpuS: Math.round((ticks / 100) * 100) / 100 };
  } catch {
    return null;
  }
}

/** Peak RSS sampler for a process over the run. */
export function sampleRss(pid: number, everyMs = 200) {
  let peak = 0;
  const t = setInterval(() => {
    const u = processUsage(pid);
    if (u && u.rssMb > peak) peak = u.rssMb;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(t);
      return peak;
    },
  };
}

export function cpuModel(): string {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
