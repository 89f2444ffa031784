/** Types for runtime-env.mjs (plain JavaScript, so run.mjs can load it on Node without Bun). */
export declare const RUNTIME_ENV_FILE: string;
export declare function withRuntimeEnv<T extends Record<string, string | undefined>>(
  base: T,
  file?: string,
): T & Record<string, string>;
