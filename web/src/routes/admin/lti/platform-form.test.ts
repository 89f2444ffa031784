import { describe, expect, test } from 'bun:test';
import { emptyPlatformFields, platformBody, splitDeploymentIds } from './platform-form.ts';

const moodle = {
  ...emptyPlatformFields(),
  name: ' Moodle ',
  issuer: 'https://moodle.example.edu ',
  clientId: ' abc123 ',
  authLoginUrl: 'https://moodle.example.edu/mod/lti/auth.php',
  authTokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
  deploymentIds: '1, 2\n2 3',
};

describe('admin LTI platform form', () => {
  test('trims, splits deployment ids and drops duplicates', () => {
    expect(platformBody(moodle)).toEqual({
      name: 'Moodle',
      issuer: 'https://moodle.example.edu',
      clientId: 'abc123',
      authLoginUrl: 'https://moodle.example.edu/mod/lti/auth.php',
      authTokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
      jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
      deploymentIds: ['1', '2', '3'],
    });
    expect(splitDeploymentIds('42:abcdef')).toEqual(['42:abcdef']);
  });

  test('the name is optional', () => {
    expect(platformBody({ ...moodle, name: '  ' })).not.toHaveProperty('name');
  });

  test('each problem names its field', () => {
    expect(platformBody({ ...moodle, issuer: '' })).toEqual({
      problem: 'Issuer is required.',
      field: 'issuer',
    });
    expect(platformBody({ ...moodle, jwksUrl: 'certs.php' })).toEqual({
      problem: 'Public keyset (JWKS) URL is not a URL.',
      field: 'jwksUrl',
    });
    expect(platformBody({ ...moodle, authLoginUrl: 'javascript:alert(1)' })).toMatchObject({
      field: 'authLoginUrl',
    });
    expect(platformBody({ ...moodle, clientId: ' ' })).toMatchObject({ field: 'clientId' });
    expect(platformBody({ ...moodle, deploymentIds: ' ,\n' })).toMatchObject({ field: 'deploymentIds' });
  });
});
