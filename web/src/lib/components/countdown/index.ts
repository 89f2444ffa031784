/** Countdown to a server deadline. */
export { default as Countdown } from './Countdown.svelte';
export { formatClock } from './format.ts';
