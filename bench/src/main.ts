/**
 * `bun run bench -- --students N --window-s S [--mode embedded|postgres|cluster] [--nodes K]`
 * Simulates a classroom against real Handsup processes, then the same load against a raw Bun.serve
 * server doing the same fan-out and pacing, and prints ONE JSON line of figures (see README).
 */
import { parseArgs } from './args.ts';
import { type ClassroomResult, restP99, runBaselineClassroom, runHandsupClassroom } from './classroom.ts';
import { summarise } from './measure.ts';
import { cpuModel, processUsage, sampleRss } from './stats.ts';
import { startBaseline, startHandsup } from './targets.ts';

const args = parseArgs(process.argv.slice(2));

async function measure(
  target: Awaited<ReturnType<typeof startHandsup>>,
  run: () => Promise<ClassroomResult>,
) {
  // Before the first student: what the server holds on its own (the floor under rss_mb).
  const readyRss = target.pids.map((pid) => processUsage(pid)?.rssMb ?? 0);
  const samplers = target.pids.map((pid) => sampleRss(pid));
  const cpuBefore = target.pids.map((pid) => processUsage(pid)?.cpuS ?? 0);
  const own = process.cpuUsage();
  const result = await run();
  const ownUsed = process.cpuUsage(own);
  const cpuAfter = target.pids.map((pid) => processUsage(pid)?.cpuS ?? 0);
  const rss = samplers.map((s) => s.stop());
  return {
    result,
    rssMb: Math.round(Math.max(...rss)),
    readyRssMb: Math.round(Math.max(...readyRss)),
    cpuS: Math.round(cpuAfter.reduce((a, c, i) => a + c - cpuBefore[i], 0) * 100) / 100,
    loadgenCpuS: Math.round((ownUsed.user + ownUsed.system) / 1e4) / 100,
  };
}

async function runHandsup(nodes: number): Promise<Record<string, unknown>> {
  const handsup = await startHandsup(args.mode, nodes);
  try {
    const m = await measure(handsup, () =>
      runHandsupClassroom(handsup.url, args.students, args.windowS, args.options),
    );
    const s = summarise(m.result.records, m.result.openStartedAt);
    return {
      mode: args.mode,
      nodes,
      students: args.students,
      connected: m.result.connected,
      acked: s.acked,
      errors: s.errors + (args.students - m.result.connected),
      connect_s: Math.round(m.result.connectS * 10) / 10,
      ack_p50_ms: s.ack_p50_ms,
      ack_p99_ms: s.ack_p99_ms,
      open_p50_ms: s.open_p50_ms,
      open_p99_ms: s.open_p99_ms,
      visible_p50_ms: s.visible_p50_ms,
      visible_p99_ms: s.visible_p99_ms,
      push_p50_ms: s.push_p50_ms,
      push_p99_ms: s.push_p99_ms,
      rest_p99_ms: restP99(m.result.restMs),
      rss_mb: m.rssMb,
      rss_ready_mb: m.readyRssMb,
      cpu_s: m.cpuS,
      loadgen_cpu_s: m.loadgenCpuS,
      throughput_per_s: s.throughput_per_s,
    };
  } finally {
    await handsup.stop();
  }
}

let oneNode: Record<string, unknown> | null = null;
if (args.scaling && args.mode === 'cluster' && args.nodes > 1) oneNode = await runHandsup(1);
const line = await runHandsup(args.nodes);
if (oneNode) {
  const a = line.throughput_per_s as number | null;
  const b = oneNode.throughput_per_s as number | null;
  line.throughput_1_node_per_s = b;
  line.scaling_ratio = a && b ? Math.round((a / b) * 100) / 100 : null;
}

if (args.baseline) {
  const baseline = await startBaseline();
  try {
    const b = await runBaselineClassroom(baseline.url, args.students, args.windowS, args.options);
    const bs = summarise(b.records, null);
    line.baseline_visible_p99_ms = bs.visible_p99_ms;
    // The raw server's own ack and push, for the targets a machine may not allow any server to meet.
    line.baseline_ack_p99_ms = bs.ack_p99_ms;
    line.baseline_push_p99_ms = bs.push_p99_ms;
    line.baseline_ratio =
      bs.visible_p99_ms !== null && typeof line.visible_p99_ms === 'number' && line.visible_p99_ms > 0
        ? Math.round((bs.visible_p99_ms / line.visible_p99_ms) * 100) / 100
        : null;
  } finally {
    await baseline.stop();
  }
} else {
  line.baseline_ratio = null;
}
line.window_s = args.windowS;
line.cpu_model = cpuModel();
console.log(JSON.stringify(line));
