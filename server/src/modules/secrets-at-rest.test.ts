/**
 * What a stolen database copy gives away: refresh and participant tokens only as hashes (a token in
 * hand cannot be found by its value), LTI private keys only encrypted (no JWK or PEM material).
 */
import { expect, test } from 'bun:test';
import { describeStorage } from '../testing/storage-matrix.ts';
import { createTestApp, type TestApp } from './testing/test-app.ts';

describeStorage('secrets at rest', ({ open }) => {
  let t: TestApp;
  test('setup', async () => {
    t = await createTestApp(await open(), {
      HANDSUP_ENCRYPTION_KEY: 'at-rest-key-0123456789abcdef0123456789',
    });
  });

  const dump = async (table: string) => JSON.stringify(await t.deps.database.query(`SELECT * FROM ${table}`));

  test('refresh tokens and participant tokens are stored hashed, never as issued', async () => {
    const u = await t.signUp('rest@example.edu');
    const rt = u.cookie.replace('handsup_rt=', '');
    const s = (await t.call('POST', '/api/sessions', { token: u.token, body: { title: 'At rest' } })).body;
    await t.call('POST', `/api/sessions/${s.id}/start`, { token: u.token });
    const j = await t.call('POST', `/api/join/${s.joinCode}`, { body: { displayName: 'Sam' } });
    const pt: string = j.body.participantToken;
    expect(rt).toStartWith('rt_');
    expect(pt).toStartWith('pt_');
    for (const table of ['refresh_tokens', 'participants', 'users', 'credentials', 'audit_log']) {
      const rows = await dump(table);
      expect(rows).not.toContain(rt.slice(3));
      expect(rows).not.toContain(pt.slice(3));
    }
  });

  test('LTI private keys are encrypted at rest: no private JWK members, no PEM', async () => {
    const jwks = await t.app.handle(new Request('http://localhost/lti/jwks'));
    expect(jwks.status).toBe(200);
    const rows = await t.deps.database.query<{ private_key_enc: string }>(
      'SELECT private_key_enc FROM lti_keys',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.private_key_enc).not.toContain('"d"');
      expect(r.private_key_enc).not.toContain('PRIVATE KEY');
      expect(r.private_key_enc).not.toMatch(/"(p|q|dp|dq|qi)"\s*:/);
    }
  });
});
