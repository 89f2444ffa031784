/** The calm connection-state banner. */
export { default as ConnectionBanner } from './ConnectionBanner.svelte';
