/** Test doubles: a mock LMS platform (for unit, integration and e2e tests) and in-memory ports (unit tests only). */
export * from './memory-stores.ts';
export * from './mock-platform.ts';
export * from './mock-platform-course-page.ts';
export * from './mock-platform-presets.ts';
export * from './tool-harness.ts';
