import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOTP, Secret } from 'otpauth';
import { Factories, FIXTURE_PASSWORD } from './factories/world.js';
import { api } from './helpers/api.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** The code an authenticator app shows for `secret`, `stepOffset` steps from now. */
function codeOf(secret: string, stepOffset = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + stepOffset * 30_000,
  });
}

/** The TOTP second factor (RFC 6238) for MFA_REQUIRED_ROLES, with recovery codes (等保 2.0 身份鉴别: 两种或以上组合的鉴别技术). */
describe('second factor', () => {
  let t: TestApp;
  let f: Factories;

  const login = (username: string, totp?: string) =>
    api(t).anonymous.post('/auth/login', { username, password: FIXTURE_PASSWORD, ...(totp === undefined ? {} : { totp }) });

  /** A new bureau that has bound an authenticator (its first code spent on the confirmation). */
  async function enrolledBureau() {
    const bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    const first = (await login(bureau.username).expect(200)).body;
    const enrolled = (await api(t).as({ token: first.accessToken }).post('/auth/totp/enroll').expect(200)).body;
    await api(t)
      .as({ token: first.accessToken })
      .post('/auth/totp/confirm', { code: codeOf(enrolled.secret) })
      .expect(200);
    return { bureau, secret: enrolled.secret as string };
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { MFA_REQUIRED_ROLES: 'admin,security_admin,auditor,bureau' } });
    f = await Factories.for(t);
    await f.regions([['520000', '贵州省', null]]);
  });

  afterAll(async () => {
    await f.close();
    await t.close();
  });

  it('makes a bureau enrol before anything else, then asks for a fresh code at every login', async () => {
    const bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    const first = (await login(bureau.username).expect(200)).body;
    expect(first).toMatchObject({ passwordChangeRequired: false, mfaEnrollmentRequired: true });
    const restricted = { token: first.accessToken as string };
    const refused = await api(t).as(restricted).get('/inspections').expect(403);
    expect(refused.body.type).toBe('urn:paicha:problem:mfa_enrollment_required');

    // enrol: a secret (stored encrypted), its otpauth URL and a QR code
    const enrolled = (await api(t).as(restricted).post('/auth/totp/enroll').expect(200)).body;
    expect(enrolled.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=[A-Z2-7]+/);
    expect(enrolled.otpauthUrl).toContain(`secret=${enrolled.secret}`);
    expect(enrolled.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const stored = await f.db.query(`SELECT totp_pending_secret, totp_secret FROM users WHERE id = $1`, [bureau.id]);
    expect(stored.rows[0].totp_pending_secret).toMatch(/^enc1\.intl\.1\./);
    expect(stored.rows[0].totp_pending_secret).not.toContain(enrolled.secret);
    expect(stored.rows[0].totp_secret).toBeNull();

    // a wrong code changes nothing; the right one answers ten recovery codes, shown once
    const wrong = await api(t)
      .as(restricted)
      .post('/auth/totp/confirm', { code: codeOf(enrolled.secret, 10) })
      .expect(400);
    expect(wrong.body.type).toBe('urn:paicha:problem:wrong_totp_code');
    await api(t).as(restricted).post('/auth/totp/confirm', { code: 'abcdef' }).expect(400);
    const confirmed = (
      await api(t)
        .as(restricted)
        .post('/auth/totp/confirm', { code: codeOf(enrolled.secret) })
        .expect(200)
    ).body;
    expect(confirmed.recoveryCodes).toHaveLength(10);
    for (const code of confirmed.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const after = await f.db.query(`SELECT totp_secret, totp_pending_secret, recovery_codes FROM users WHERE id = $1`, [bureau.id]);
    expect(after.rows[0].totp_secret).toMatch(/^enc1\./);
    expect(after.rows[0].totp_pending_secret).toBeNull();
    expect(after.rows[0].recovery_codes).toMatch(/^enc1\./);
    for (const code of confirmed.recoveryCodes) expect(after.rows[0].recovery_codes).not.toContain(code);
    await api(t).as(restricted).post('/auth/totp/enroll').expect(409);

    // the session is lifted: its next refresh is a full token
    const full = (await api(t).anonymous.post('/auth/refresh', { refreshToken: first.refreshToken }).expect(200)).body;
    await api(t).as({ token: full.accessToken }).get('/inspections').expect(200);

    // the next login needs the code; the code already used for the confirmation is spent (replay refused)
    const missing = await login(bureau.username).expect(401);
    expect(missing.body.type).toBe('urn:paicha:problem:totp_required');
    const replayed = await login(bureau.username, codeOf(enrolled.secret)).expect(401);
    expect(replayed.body.type).toBe('urn:paicha:problem:invalid_totp');
    // the next step's code (inside the drift window) is fresh: accepted once, then refused inside its window
    const next = codeOf(enrolled.secret, 1);
    const ok = (await login(bureau.username, next).expect(200)).body;
    expect(ok.mfaEnrollmentRequired).toBe(false);
    await api(t).as({ token: ok.accessToken }).get('/inspections').expect(200);
    expect((await login(bureau.username, next).expect(401)).body.type).toBe('urn:paicha:problem:invalid_totp');

    // a recovery code opens one login, in any letter case, and is spent
    const recovery = confirmed.recoveryCodes[3] as string;
    await login(bureau.username, recovery.toUpperCase()).expect(200);
    await login(bureau.username, recovery).expect(401);
    const factors = await f.db.query(
      `SELECT data->>'secondFactor' AS factor FROM audit_events WHERE action = 'auth.login' AND entity_id = $1 ORDER BY id`,
      [bureau.id],
    );
    expect(factors.rows.map((r: { factor: string | null }) => r.factor)).toEqual([null, 'totp', 'recovery_code']);
  });

  it('counts wrong codes towards the lockout', async () => {
    const { bureau, secret } = await enrolledBureau();
    for (let i = 0; i < 5; i++) await login(bureau.username, '000000').expect(401);
    // locked: even the right code and password answer like any failure
    const locked = await login(bureau.username, codeOf(secret, 1)).expect(401);
    expect(locked.body.type).toBe('urn:paicha:problem:invalid_credentials');
  });

  it('lets a security admin remove a lost second factor (audited); the user enrols again', async () => {
    const sa = await f.user({ role: 'security_admin' });
    const { bureau } = await enrolledBureau();
    await api(t).as(bureau).post(`/users/${bureau.id}/totp/reset`).expect(403);
    await api(t).as(sa).post(`/users/${bureau.id}/totp/reset`).expect(200);
    expect((await login(bureau.username).expect(200)).body.mfaEnrollmentRequired).toBe(true);
    const events = await f.db.query(`SELECT actor_id FROM audit_events WHERE action = 'user.totp_reset' AND entity_id = $1`, [bureau.id]);
    expect(events.rows).toEqual([{ actor_id: sa.id }]);
  });

  it('asks nothing of a role outside MFA_REQUIRED_ROLES', async () => {
    const inspector = await f.user({ role: 'inspector', regionCode: '520000' });
    expect((await login(inspector.username).expect(200)).body.mfaEnrollmentRequired).toBe(false);
  });
});
