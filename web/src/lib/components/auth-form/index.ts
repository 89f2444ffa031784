/** The sign-in / sign-up form. */
export { default as AuthForm } from './AuthForm.svelte';
