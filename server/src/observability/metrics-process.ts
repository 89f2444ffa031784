/**
 * Built-in process metrics: memory, CPU time, start time, and event-loop lag measured by a timer-drift
 * sampler (a timer asks to run every SAMPLE_MS; how late it runs is time the loop spent busy). Started
 * once per process, the first time a server mounts `/metrics`; the sampler's timer never keeps the
 * process alive.
 */
import { metrics as defaultRegistry, type Registry } from './metrics.ts';

const SAMPLE_MS = 100;
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

let started: Registry | null = null;

export function startProcessMetrics(registry: Registry = defaultRegistry): void {
  if (started === registry) return;
  started = registry;
  const rss = registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident set size in bytes.' });
  const heapUsed = registry.gauge({
    name: 'process_heap_used_bytes',
    help: 'JavaScript heap in use, bytes.',
  });
  const heapTotal = registry.gauge({
    name: 'process_heap_total_bytes',
    help: 'JavaScript heap allocated, bytes.',
  });
  const cpu = registry.counter({
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU time spent, seconds.',
  });
  registry
    .gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since the Unix epoch, seconds.',
    })
    .set(undefined, Math.round(performance.timeOrigin / 1000));
  const lag = registry.histogram({
    name: 'handsup_event_loop_lag_seconds',
    help: `How late a ${SAMPLE_MS} ms timer fired: time the event loop was busy with other work.`,
    buckets: LAG_BUCKETS,
  });
  const lagMax = registry.gauge({
    name: 'handsup_event_loop_lag_max_seconds',
    help: 'Largest event-loop lag seen since the previous scrape.',
  });

  let worst = 0;
  let expected = performance.now() + SAMPLE_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - expected) / 1000;
    expected = now + SAMPLE_MS;
    lag.observe(late);
    if (late > worst) worst = late;
  }, SAMPLE_MS);
  timer.unref();

  let cpuSeen = 0;
  registry.onCollect(() => {
    const mem = process.memoryUsage();
    rss.set(undefined, mem.rss);
    heapUsed.set(undefined, mem.heapUsed);
    heapTotal.set(undefined, mem.heapTotal);
    const usage = process.cpuUsage();
    const total = (usage.user + usage.system) / 1e6;
    if (total > cpuSeen) cpu.inc(undefined, total - cpuSeen);
    cpuSeen = Math.max(cpuSeen, total);
    lagMax.set(undefined, worst);
    worst = 0;
  });
}
