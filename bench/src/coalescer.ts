/**
 * The broadcast pacing shared by the raw baseline server: at most `perSecond` frames, the next one
 * scheduled from the END of the previous broadcast — max(start + interval, end + interval / 2) — so a
 * broadcast that takes longer than the interval cannot pile up behind itself.
 */
export function createCoalescer(perSecond: number, broadcast: () => void) {
  const interval = 1000 / perSecond;
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let nextAt = 0;
  const run = () => {
    timer = null;
    if (!dirty) return;
    dirty = false;
    const start = performance.now();
    broadcast();
    const end = performance.now();
    nextAt = Math.max(start + interval, end + interval / 2);
  };
  return {
    mark() {
      dirty = true;
      if (timer) return;
      timer = setTimeout(run, Math.max(0, nextAt - performance.now()));
    },
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
