/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fieldInspection } from './factories/field.js';
import { Factories, findingIn } from './factories/world.js';
import { seriousViolations } from './helpers/axe.js';
import {
  countRequests,
  hasChromium,
  itemCodes,
  login,
  PHONE,
  phoneOnChecklist,
  phoneSignedIn,
  readStore,
  shot,
  waitForSwControl,
  waitSynced,
  startBrowserSuite,
  stopBrowserSuite,
} from './helpers/browser.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { api } from './helpers/api.js';
import { FIXTURE_PASSWORD } from './factories/world.js';

/**
 * The field app's sessions, storage and the heads' side: a token that expired
 * while offline, logout with unsent work, a rectification and a verification
 * queued offline, storage the browser wiped, the service worker's update, the
 * offline pack's ETag, and the accessibility of every screen.
 */
(hasChromium ? describe : describe.skip)('the field app: sessions, heads, storage (Chromium)', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;

  const answerCount = async (inspectionId: string) =>
    (await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM answers WHERE inspection_id = $1', [inspectionId])).rows[0].n;

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite());
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('renews an access token that expired offline with the refresh token, silently, and sends everything', async () => {
    const w = await fieldInspection(t, f);
    const { context, page, codes: all } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    const codes = all.slice(0, 2);
    await context.setOffline(true);
    for (const code of codes) await page.click(`.item[data-item="${code}"] button[data-result="pass"]`);
    // twenty minutes without signal: the 15-minute access token has expired, the session has not
    const sid = await page.evaluate(() => localStorage.getItem('paicha.refresh')!.split('.')[0]);
    const expired = await t.app.get(JwtService).signAsync({ sub: w.inspector.id, ver: 1, sid }, { expiresIn: -60 });
    await page.evaluate((token) => localStorage.setItem('paicha.token', token), expired);
    await context.setOffline(false);
    await waitSynced(page);
    expect(await answerCount(w.inspectionId)).toBe(2);
    expect(await page.$('#relogin')).toBeNull();
    expect(await page.evaluate(() => localStorage.getItem('paicha.token'))).not.toBe(expired);
    await context.close();
  }, 90_000);

  it('pauses when the session ended while offline, asks for the password, and then sends everything', async () => {
    const w = await fieldInspection(t, f);
    const { context, page, codes: all } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    const codes = all.slice(0, 3);
    await context.setOffline(true);
    for (const code of codes) await page.click(`.item[data-item="${code}"] button[data-result="pass"]`);
    // a day in the mountains: the token has expired and the session ended (idle far beyond SESSION_IDLE_MINUTES)
    const expired = await t.app.get(JwtService).signAsync({ sub: w.inspector.id, ver: 1 }, { expiresIn: -60 });
    await page.evaluate((token) => localStorage.setItem('paicha.token', token), expired);
    await f.db.query(`UPDATE auth_sessions SET last_seen_at = now() - interval '1 day' WHERE user_id = $1`, [w.inspector.id]);
    await context.setOffline(false);
    await page.waitForSelector('#relogin[open]');
    expect(await page.textContent('#sync')).toBe('需要登录');
    expect(await answerCount(w.inspectionId)).toBe(0);
    expect(await readStore(page, 'drafts')).toHaveLength(3);
    await shot(page, 'relogin');
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill('#relogin-password', FIXTURE_PASSWORD);
    await page.click('#relogin button[type=submit]');
    await waitSynced(page);
    expect(await answerCount(w.inspectionId)).toBe(3);
    await context.close();
  }, 90_000);

  it('warns before logout with unsent work, keeps it for the same user, and sends it after the next login', async () => {
    const w = await fieldInspection(t, f);
    const {
      context,
      page,
      codes: [code],
    } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    await context.setOffline(true);
    await page.click(`.item[data-item="${code}"] button[data-result="na"]`);
    await page.click('#tabs a[data-tab="logout"]');
    await page.waitForSelector('text=本机还有 1 项未同步');
    expect(await seriousViolations(page)).toEqual([]);
    await page.click('#logout-anyway');
    await page.waitForSelector('#username');
    await context.setOffline(false);
    await login(page, t.baseUrl, w.inspector);
    await waitSynced(page);
    expect(await answerCount(w.inspectionId)).toBe(1);
    await context.close();
  }, 90_000);

  it('lets a head rectify with a photo and an inspector verify, both offline, each sent once when the network returns', async () => {
    const w = await fieldInspection(t, f);
    const findingId = await findingIn(f, { institutionId: w.institution.id, regionCode: w.institution.regionCode, severity: 'major' });
    const photo = await readFile('test/fixtures/photo.jpg');
    const { context: headPhone, page: head } = await phoneSignedIn(browser, t.baseUrl, w.head);
    await head.waitForSelector(`a[data-finding="${findingId}"]`);
    await headPhone.setOffline(true);
    await head.click(`a[data-finding="${findingId}"]`);
    await head.waitForSelector('h2:has-text("提交整改")');
    await head.fill('#rectify-note', '已更换灭火器并张贴疏散图');
    await head.setInputFiles('#rectify-photo', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: photo });
    await head.waitForSelector('img[alt="整改照片1"]');
    expect(await seriousViolations(head)).toEqual([]);
    await head.click('button:has-text("提交整改")');
    await head.waitForSelector('[data-op="rectify"]:has-text("整改待上传")');
    const status = async () =>
      (
        await f.db.query<{ status: string; photos: number }>(
          `SELECT status, jsonb_array_length(COALESCE(rectification->'attachmentIds', '[]')) AS photos FROM findings WHERE id = $1`,
          [findingId],
        )
      ).rows[0];
    expect(await status()).toEqual({ status: 'open', photos: 0 });
    const seen = await countRequests(headPhone);
    await headPhone.setOffline(false);
    await head.waitForSelector('.tag.pending_verification', { timeout: 30_000 });
    expect(await status()).toEqual({ status: 'pending_verification', photos: 1 });
    expect(seen.filter((s) => s === `POST /findings/${findingId}/rectify`)).toHaveLength(1);
    await headPhone.close();

    const { context: inspectorPhone, page: inspector } = await phoneSignedIn(browser, t.baseUrl, w.inspector);
    await inspector.waitForSelector(`a[data-finding="${findingId}"]`);
    await inspectorPhone.setOffline(true);
    await inspector.click(`a[data-finding="${findingId}"]`);
    await inspector.waitForSelector('button:has-text("复核通过")');
    await inspector.fill('#verify-note', '现场复核，已整改到位');
    await inspector.click('button:has-text("复核通过")');
    await inspector.waitForSelector('[data-op="verify"]:has-text("复核待上传")');
    await inspectorPhone.setOffline(false);
    await inspector.waitForSelector('.tag.closed', { timeout: 30_000 });
    expect((await status()).status).toBe('closed');
    await inspectorPhone.close();
  }, 120_000);

  it('asks a user whose password the bureau set for their own before anything else, then opens the tasks', async () => {
    const w = await fieldInspection(t, f);
    const username = f.unique('given');
    await api(t)
      .as(w.bureau)
      .post('/users', {
        username,
        password: 'Given-by-bureau-1',
        displayName: '新检查员',
        role: 'inspector',
        regionCode: w.institution.regionCode,
      })
      .expect(201);
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/#/login`);
    await page.fill('#username', username);
    await page.fill('#password', 'Given-by-bureau-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('#password-form');
    await page.fill('#new-password', 'weakpassword');
    await page.fill('#confirm-password', 'weakpassword');
    await page.click('#password-form button[type=submit]');
    await page.waitForSelector('#password-form .error:has-text("至少三类")');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'password-change');
    await page.fill('#new-password', 'My-own-Passw0rd');
    await page.fill('#confirm-password', 'My-own-Passw0rd');
    await page.click('#password-form button[type=submit]');
    await page.waitForSelector('h1:has-text("我的任务")');
    await api(t).anonymous.post('/auth/login', { username, password: 'My-own-Passw0rd' }).expect(200);
    await context.close();
  }, 60_000);

  it('tells the user loudly when the browser wiped the phone’s data, and downloads the tasks again', async () => {
    const w = await fieldInspection(t, f);
    const { context, page } = await phoneSignedIn(browser, t.baseUrl, w.inspector);
    await page.waitForSelector(`a[data-inspection="${w.inspectionId}"]`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: t.baseUrl, storageTypes: 'indexeddb' });
    await page.reload();
    await page.waitForSelector('#wiped:has-text("本机数据已被浏览器清除")');
    await page.waitForSelector(`a[data-inspection="${w.inspectionId}"]`);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('moves answers the earlier version of the app kept in localStorage into the queue and sends them', async () => {
    const w = await fieldInspection(t, f);
    const {
      context,
      page,
      codes: [code],
    } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    // what the old app left behind when it could not send (its localStorage format)
    await page.evaluate(
      ([id, item]) =>
        localStorage.setItem(
          'paicha.pending',
          JSON.stringify({ [id]: { [item]: { itemCode: item, result: 'fail', note: '旧版本未发送' } } }),
        ),
      [w.inspectionId, code],
    );
    await page.reload();
    await waitSynced(page);
    const { rows } = await f.db.query('SELECT item_code, result, note FROM answers WHERE inspection_id = $1', [w.inspectionId]);
    expect(rows).toEqual([{ item_code: code, result: 'fail', note: '旧版本未发送' }]);
    expect(await page.evaluate(() => localStorage.getItem('paicha.pending'))).toBeNull();
    await context.close();
  }, 60_000);

  it('asks for the offline pack with its ETag and gets 304 when nothing changed', async () => {
    const w = await fieldInspection(t, f);
    const context = await browser.newContext(PHONE);
    const statuses: number[] = [];
    context.on('response', (res) => res.url().endsWith('/api/v1/me/offline-pack') && statuses.push(res.status()));
    const page = await context.newPage();
    await login(page, t.baseUrl, w.inspector);
    await page.waitForSelector(`a[data-inspection="${w.inspectionId}"]`);
    await page.reload();
    await page.waitForSelector(`a[data-inspection="${w.inspectionId}"]`);
    expect(statuses.slice(0, 2)).toEqual([200, 304]);
    await context.close();
  }, 60_000);

  it('offers 更新 for a new version instead of switching the open page, and switches when tapped', async () => {
    const w = await fieldInspection(t, f);
    const { context, page } = await phoneSignedIn(browser, t.baseUrl, w.inspector);
    await waitForSwControl(page);
    const [oldCache] = await page.evaluate(() => caches.keys());
    // a deploy on the same origin: the service restarts with a changed app shell
    const port = Number(new URL(t.baseUrl).port);
    const uiDir = mkdtempSync(join(tmpdir(), 'paicha-ui-'));
    cpSync('ui', uiDir, { recursive: true });
    appendFileSync(join(uiDir, 'styles.css'), '\n/* the next version */\n');
    await t.close();
    const next = await createTestApp({ databaseUrl: t.databaseUrl, port, uiDir });
    try {
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await page.waitForSelector('#update button:has-text("更新")');
      // the open page is still the old version, served by the old cache
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
      expect((await page.evaluate(() => caches.keys())).sort()).toHaveLength(2);
      await page.click('#update button');
      await page.waitForFunction(() => !document.getElementById('update'), undefined, { timeout: 20_000 });
      await page.waitForSelector('h1:has-text("我的任务")');
      const keys = await page.evaluate(() => caches.keys());
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toBe(oldCache);
    } finally {
      await context.close();
      await next.close();
      t = (await createTestApp({ databaseUrl: t.databaseUrl, port })) as TestApp & { baseUrl: string };
    }
  }, 90_000);

  it('has no serious accessibility violation on any screen, and a manifest that makes it installable', async () => {
    const w = await fieldInspection(t, f);
    await findingIn(f, { institutionId: w.institution.id, regionCode: w.institution.regionCode });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/#/login`);
    await page.waitForSelector('#username');
    const violations: Record<string, string[]> = { login: await seriousViolations(page) };
    await login(page, t.baseUrl, w.inspector);
    violations.home = await seriousViolations(page);
    await context.setOffline(true);
    await page.waitForSelector('#offline:not([hidden])');
    violations.homeOffline = await seriousViolations(page);
    await page.goto(`${t.baseUrl}/#/inspection/${w.inspectionId}`);
    await page.waitForSelector('#progress');
    const [code] = await itemCodes(page);
    await page.click(`.item[data-item="${code}"] button[data-result="fail"]`);
    violations.inspection = await seriousViolations(page);
    await page.click('#sync');
    await page.waitForSelector('h1:has-text("同步")');
    await shot(page, 'sync-screen');
    violations.sync = await seriousViolations(page);
    await page.goto(`${t.baseUrl}/#/findings`);
    await page.waitForSelector('h1:has-text("隐患")');
    violations.findings = await seriousViolations(page);
    await context.setOffline(false);
    await page.evaluate(() => localStorage.clear());
    await login(page, t.baseUrl, w.bureau);
    await page.waitForSelector('.progress');
    violations.bureauHome = await seriousViolations(page);
    await page.goto(`${t.baseUrl}/#/reports?month=2026-06&regionCode=522600`);
    await page.waitForSelector('button[data-download="pdf"]');
    violations.reports = await seriousViolations(page);
    expect(violations).toEqual({
      login: [],
      home: [],
      homeOffline: [],
      inspection: [],
      sync: [],
      findings: [],
      bureauHome: [],
      reports: [],
    });

    const manifest = await (await fetch(`${t.baseUrl}/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/', lang: 'zh-CN' });
    for (const icon of manifest.icons) {
      const res = await fetch(`${t.baseUrl}${icon.src}`);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    }
    await context.close();
  }, 90_000);
});
