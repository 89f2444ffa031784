// The admin page needs the access token, which lives in page memory (restored from the refresh cookie).
export const ssr = false;
