/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { seriousViolations } from './helpers/axe.js';
import { type Factories } from './factories/world.js';
import { api } from './helpers/api.js';
import { hasChromium, login, PHONE, shot, startBrowserSuite, stopBrowserSuite } from './helpers/browser.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * The 检查表 screen in Chromium: a bureau uploads a spreadsheet with mistakes
 * and sees every one by cell (nothing created), uploads the sample, checks it,
 * publishes it, and sees what a next version changed.
 */
(hasChromium ? describe : describe.skip)('检查表 in Chromium', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite());
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('previews errors by cell, publishes the sample after a check, and shows the diff of the next version', async () => {
    await f.regions([['520000', '贵州省', null]]);
    const bureau = await f.user({ role: 'bureau', regionCode: '520000' });
    const context = await browser.newContext({ ...PHONE, acceptDownloads: true });
    const page = await context.newPage();
    await login(page, t.baseUrl, bureau);
    await page.click('#templates-link');
    await page.waitForSelector('#import-form');

    const fill = async (file: { name: string; mimeType: string; buffer: Buffer }, code: string) => {
      await page.setInputFiles('#import-file', file);
      await page.fill('#import-code', code);
      await page.fill('#import-name', '贵州省养老机构安全检查表');
      await page.check('input[name=institutionTypes][value=elderly_care]');
      await page.click('#import-form button[type=submit]');
    };
    const bad = [
      '类别编号,检查类别,检查项编号,检查内容,检查方式/典型隐患,依据,隐患等级,判定方式,不合格须拍照,整改期限（天）,整改期限（工作日）',
      'A,消防安全,A01,疏散通道是否畅通,,,很严重,合格/不合格,是,,',
      'A,消防安全,A01,,,,一般,合格/不合格,否,,',
    ].join('\n');
    await fill({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) }, 'gz-elderly');
    await page.waitForSelector('#import-result [role=alert]');
    expect(await page.textContent('#import-result')).toMatch(/发现 \d+ 处错误，未导入任何内容/);
    // each error names its cell: G2 (the severity word), C3 (the repeated code) or D3 (the empty text)
    const cells = await page.$$eval('#import-result tbody td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(cells).toEqual(expect.arrayContaining(['G2', 'D3']));
    expect((await api(t).as(bureau).get('/templates/by-code/gz-elderly')).status).toBe(404);

    const { readFile } = await import('node:fs/promises');
    await fill(
      {
        name: 'sample-import.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: await readFile('templates/sample-import.xlsx'),
      },
      'gz-elderly',
    );
    await page.waitForSelector('#import-publish');
    expect(await page.textContent('#import-result')).toContain('检查通过：共 5 项，将发布为第 1 版');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'templates-import');
    await page.click('#import-publish');
    await page.waitForSelector('[data-item="A01"]');
    const v1 = (await api(t).as(bureau).get('/templates/by-code/gz-elderly').expect(200)).body;
    expect(v1).toMatchObject({ version: 1, regionCode: '520000' });

    // the next version: one item reworded, one added
    const sections = structuredClone(v1.sections);
    sections[0].items[0].text = `${sections[0].items[0].text}（含夜间）`;
    sections[0].items.push({
      code: 'A09',
      text: '电动自行车是否在室内充电',
      severity: 'major',
      responseType: 'yes_no',
      requiresPhotoOnFail: true,
    });
    const v2 = (
      await api(t)
        .as(bureau)
        .post('/templates/by-code/gz-elderly/versions', { name: v1.name, institutionTypes: v1.institutionTypes, sections })
        .expect(201)
    ).body;
    await page.goto(`${t.baseUrl}/#/template/${v2.id}`);
    await page.waitForSelector('#diff');
    const diff = await page.textContent('#diff');
    expect(diff).toContain('第 1 版 → 第 2 版');
    expect(diff).toContain('新增 A09');
    expect(diff).toContain('修改 A01：检查内容');
    await shot(page, 'templates-diff');
    await context.close();
  }, 90_000);
});
