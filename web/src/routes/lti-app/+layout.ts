// LTI landing pages run in the browser only: the app-session token lives in the page, never in a cookie.
export const ssr = false;
