import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { findingIn, FIXTURE_PASSWORD, type Factories } from './factories/world.js';
import { api } from './helpers/api.js';
import { seriousViolations } from './helpers/axe.js';
import { PHONE, shot, startBrowserSuite, stopBrowserSuite } from './helpers/browser.js';
import type { TestApp } from './helpers/test-app.js';

const codeOf = (secret: string, stepOffset = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + stepOffset * 30_000 });

/** The login screens of 等保 2.0 in the browser: binding an authenticator, the code at login, recovery codes. */
describe('UI: second factor', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite({ MFA_REQUIRED_ROLES: 'bureau' }));
    await f.regions([['520000', '贵州省', null]]);
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('has a bureau bind an authenticator at first login (QR code, recovery codes), then asks for the code at the next', async () => {
    const bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/#/login`);
    await page.fill('#username', bureau.username);
    await page.fill('#password', FIXTURE_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#totp-qr');
    expect(await page.textContent('main')).toContain('等级保护');
    // the QR image is an SVG the browser could draw
    expect(await page.$eval('#totp-qr', (img) => (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    await shot(page, 'mfa-enrol');
    expect(await seriousViolations(page)).toEqual([]);
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
    await page.fill('#totp-code', '000000');
    await page.click('#totp-form button[type=submit]');
    await page.waitForSelector('#totp-form .error:has-text("动态口令不正确")');
    await page.fill('#totp-code', codeOf(secret));
    await page.click('#totp-form button[type=submit]');
    await page.waitForSelector('#recovery-codes li');
    const codes = await page.$$eval('#recovery-codes code', (els) => els.map((e) => e.textContent));
    expect(codes).toHaveLength(10);
    await shot(page, 'mfa-recovery-codes');
    expect(await seriousViolations(page)).toEqual([]);
    await page.click('#recovery-saved');
    await page.waitForSelector('h1:has-text("我的任务")');

    // next login: the code field appears when the password was right
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${t.baseUrl}/#/login`);
    await page.fill('#username', bureau.username);
    await page.fill('#password', FIXTURE_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#totp-box:not([hidden])');
    expect(await page.textContent('[role=alert]')).toContain('动态口令');
    await shot(page, 'mfa-login');
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill('#totp', codeOf(secret, 1));
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("我的任务")');
    await context.close();
  }, 90_000);

  it('shows an institution’s phone masked on a finding, and in full to a bureau that taps 查看 (audited)', async () => {
    await f.regions([['522633', '从江县', '520000']]);
    const bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    const created = await api(t)
      .as(bureau)
      .post('/institutions', { name: '电话展示养老院', type: 'elderly_care', regionCode: '522633', phone: '13812345678' })
      .expect(201);
    const findingId = await findingIn(f, { institutionId: created.body.id, regionCode: '522633', deadline: '2026-06-30' });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    // signed in with a session of its own (no second factor to type here: the first test covers that)
    const me = (await api(t).as(bureau).get('/auth/me').expect(200)).body;
    await page.goto(`${t.baseUrl}/#/login`);
    await page.evaluate(
      ([token, user]) => (localStorage.setItem('paicha.token', token), localStorage.setItem('paicha.user', user)),
      [bureau.token, JSON.stringify(me)],
    );
    await page.goto(`${t.baseUrl}/#/finding/${findingId}`);
    await page.waitForSelector('#institution-phone');
    expect(await page.textContent('#institution-phone')).toBe('138****5678');
    expect(await seriousViolations(page)).toEqual([]);
    await page.click('#reveal-phone');
    await page.waitForSelector('#institution-phone:has-text("13812345678")');
    const reveals = await f.db.query(`SELECT actor_id FROM audit_events WHERE action = 'institution.reveal' AND entity_id = $1`, [
      created.body.id,
    ]);
    expect(reveals.rows).toEqual([{ actor_id: bureau.id }]);
    await context.close();
  }, 60_000);
});
