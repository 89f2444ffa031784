/** QR codes drawn locally as SVG. */
export { default as QrCode } from './QrCode.svelte';
