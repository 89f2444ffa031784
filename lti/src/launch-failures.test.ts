import { describe, expect, test } from 'bun:test';
import { LAUNCH_CHECKS, LAUNCH_FAILURES, launchFailure, launchFailureError } from './launch-failures.ts';

describe('launch failures', () => {
  test('every reason belongs to a known check and tells the admin what to check', () => {
    for (const [reason, { check, hint }] of Object.entries(LAUNCH_FAILURES)) {
      expect(LAUNCH_CHECKS).toContain(check);
      expect(hint.length, reason).toBeGreaterThan(20);
    }
  });

  test('maps to the catalog error lti_launch_failed', () => {
    const e = launchFailureError(
      launchFailure('deployment_unknown', 'Deployment 7 is not registered for this platform.'),
    );
    expect(e.code).toBe('lti_launch_failed');
    expect(e.status).toBe(400);
    expect(e.message).toContain('deployment_unknown');
  });
});
