/** m:ss for a countdown; rounds up so "0:00" appears only when time is really up. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** Spoken milestones, so a screen-reader user hears the time without a per-second flood. */
export function milestone(ms: number): string | null {
  const s = Math.ceil(ms / 1000);
  for (const mark of [60, 30, 10]) if (s === mark) return `${mark} seconds left`;
  return s === 0 ? 'Time is up' : null;
}
