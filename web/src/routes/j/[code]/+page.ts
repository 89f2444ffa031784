// The participant token lives in localStorage, so this page renders in the browser only.
export const ssr = false;
