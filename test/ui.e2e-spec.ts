/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { fieldInspection, rectifiedFieldFinding, submittedFieldInspection } from './factories/field.js';
import { type Factories, FIXTURE_PASSWORD, type FixtureUser } from './factories/world.js';
import { hasChromium, login as signIn, PHONE, shot, startBrowserSuite, stopBrowserSuite, waitSynced } from './helpers/browser.js';
import { pdfText } from './helpers/pdf.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * The thin UI in a real browser at phone width: the inspector fills the whole
 * built-in checklist with a failed item and its photo, loses the network half
 * way and gets it back without losing an answer, submits; the head rectifies
 * with a photo; the bureau verifies and downloads the monthly PDF. Each test
 * makes its own inspection (through the API where the UI is not the subject).
 */
(hasChromium ? describe : describe.skip)('UI in Chromium at 360 px', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;
  const photo = readFile('test/fixtures/photo.jpg');

  const open = async (): Promise<Page> => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stdout.write(`pageerror: ${error.message}\n`));
    return page;
  };
  const login = (page: Page, user: FixtureUser) => signIn(page, t.baseUrl, user, FIXTURE_PASSWORD);
  const answersInDb = async (inspectionId: string) =>
    (await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM answers WHERE inspection_id = $1', [inspectionId])).rows[0].n;
  const statusOf = async (findingId: string) => (await f.db.query('SELECT status FROM findings WHERE id = $1', [findingId])).rows[0].status;

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite());
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('shows a clear error on bad credentials', async () => {
    const page = await open();
    await page.goto(`${t.baseUrl}/`);
    await expect(page.locator('html')).toBeTruthy();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.fill('#username', 'ui-nobody');
    await page.fill('#password', 'wrong-password-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('.error:has-text("用户名或密码错误")');
    await shot(page, '01-login');
    await page.context().close();
  });

  it('lets the inspector fill the whole checklist offline and online, with a photo, and submit', async () => {
    const { inspectionId, inspector } = await fieldInspection(t, f);
    const page = await open();
    await login(page, inspector);
    await shot(page, '02-inspector-home');
    await page.click(`a[data-inspection="${inspectionId}"]`);
    await page.waitForSelector('#progress');
    const items = page.locator('.item');
    const itemCount = await items.count();
    expect(itemCount).toBeGreaterThanOrEqual(62);
    await expect(page.locator('#progress').textContent()).resolves.toBe(`已答 0/${itemCount}`);
    // open every section
    await page.$$eval('details.section', (sections) => sections.forEach((d) => ((d as HTMLDetailsElement).open = true)));

    const codes = await items.evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.item as string));
    const failing = codes[0];
    const half = Math.floor(codes.length / 2);
    for (const code of codes.slice(0, half)) {
      await page.click(`.item[data-item="${code}"] button[data-result="${code === failing ? 'fail' : 'pass'}"]`);
    }
    await page.fill(`.item[data-item="${failing}"] textarea`, '二楼走廊堆放轮椅和杂物');
    await page.locator(`.item[data-item="${failing}"] textarea`).blur();
    await page.setInputFiles(`input[data-photo="${failing}"]`, { name: 'exit.jpg', mimeType: 'image/jpeg', buffer: await photo });
    await page.waitForSelector(`.item[data-item="${failing}"] .photos img`);
    await waitSynced(page);
    await shot(page, '03-checklist');

    // the network goes: the rest is kept in the browser, marked 未同步
    await page.route('**/api/v1/inspections/*/answers', (route) => route.abort('internetdisconnected'));
    for (const code of codes.slice(half)) await page.click(`.item[data-item="${code}"] button[data-result="pass"]`);
    await page.waitForFunction(() => /^未同步 \d+$/.test(document.getElementById('sync')?.textContent ?? ''));
    await shot(page, '04-checklist-offline');
    expect(await answersInDb(inspectionId)).toBeLessThan(itemCount);
    // even a reload while offline keeps them
    await page.reload();
    await page.waitForSelector('#progress');
    expect(await page.textContent('#progress')).toBe(`已答 ${itemCount}/${itemCount}`);

    // the network comes back: everything is saved, nothing lost
    await page.unroute('**/api/v1/inspections/*/answers');
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await waitSynced(page);
    expect(await answersInDb(inspectionId)).toBe(itemCount);
    const note = await f.db.query(
      'SELECT note, array_length(attachment_ids, 1) AS photos FROM answers WHERE inspection_id = $1 AND result = $2',
      [inspectionId, 'fail'],
    );
    expect(note.rows).toEqual([{ note: '二楼走廊堆放轮椅和杂物', photos: 1 }]);

    await page.click('button:has-text("提交检查表")');
    await page.waitForSelector('#submit-state:has-text("已提交")');
    expect(await page.textContent('#submit-state')).toContain('发现隐患 1 处');
    await shot(page, '05-submitted');
    await page.context().close();
  }, 120_000);

  it('lets the head see the finding and rectify it with a photo', async () => {
    const { head, findingId } = await submittedFieldInspection(t, f, await photo);
    const page = await open();
    await login(page, head);
    await page.waitForSelector('a[data-finding]');
    await shot(page, '06-head-home');
    await page.click('a[data-finding]');
    await page.waitForSelector('h2:has-text("提交整改")');
    await page.fill('#rectify-note', '已清理走廊杂物，设置禁止堆放标识');
    await page.setInputFiles('#rectify-photo', { name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo });
    await page.waitForSelector('img[alt="整改照片1"]');
    await shot(page, '07-finding-rectify');
    await page.click('button:has-text("提交整改")');
    await page.waitForSelector('.tag.pending_verification');
    const { rows } = await f.db.query(`SELECT status, rectification->>'note' AS note FROM findings WHERE id = $1`, [findingId]);
    expect(rows).toEqual([{ status: 'pending_verification', note: '已清理走廊杂物，设置禁止堆放标识' }]);
    await page.context().close();
  }, 60_000);

  it('lets the bureau verify, follow progress and download the monthly PDF', async () => {
    const { bureau, findingId } = await rectifiedFieldFinding(t, f, await photo);
    const page = await open();
    await login(page, bureau);
    await page.waitForSelector('.progress');
    await shot(page, '08-bureau-home');
    await page.click(`a[data-finding="${findingId}"]`);
    await page.waitForSelector('button:has-text("复核通过")');
    await page.click('button:has-text("复核通过")');
    await page.waitForSelector('.tag.closed:has-text("已销号")');
    await shot(page, '09-finding-closed');
    expect(await statusOf(findingId)).toBe('closed');

    const month = (
      await f.db.query<{ m: string }>(
        `SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS m FROM findings WHERE id = $1`,
        [findingId],
      )
    ).rows[0].m;
    await page.goto(`${t.baseUrl}/#/reports?month=${month}&regionCode=522600`);
    await page.waitForSelector('button[data-download="pdf"]');
    expect(await page.textContent('main')).toContain('整改率');
    await shot(page, '10-reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-download="pdf"]')]);
    const path = await download.path();
    const { text } = pdfText(await readFile(path));
    expect(text).toContain('黔东南苗族侗族自治州民政服务机构安全隐患排查整治月报');
    await page.context().close();
  }, 60_000);
});
