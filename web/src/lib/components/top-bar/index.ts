/** The signed-in header shared by the teacher and admin pages. */
export { default as TopBar } from './TopBar.svelte';
