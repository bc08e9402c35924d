/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { MINI_TEMPLATE } from './factories/templates.js';
import { findingIn, type Factories, type FixtureUser } from './factories/world.js';
import { hasChromium, login, PHONE, shot, startBrowserSuite, stopBrowserSuite } from './helpers/browser.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * 随机抽取 in a real browser: the bureau draws a draft supervisory round, draws
 * again, opens it and publishes it; the public page (no login) shows the results
 * and nothing personal: no person's name, no phone, no finding text.
 */
(hasChromium ? describe : describe.skip)('双随机 UI and the public page in Chromium', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;
  let bureau: FixtureUser;
  const inspectors: FixtureUser[] = [];
  const institutions: { id: string; name: string }[] = [];
  let roundId: string;

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite());
    await f.regions([
      ['520000', '贵州省', null],
      ['522600', '黔东南苗族侗族自治州', '520000'],
      ['522632', '榕江县', '522600'],
    ]);
    for (let i = 0; i < 10; i++) {
      const inst = await f.institution({
        regionCode: '522632',
        name: `榕江县养老服务中心${i}`,
        type: i < 7 ? 'elderly_care' : 'community_elderly',
      });
      await f.db.query(`UPDATE institutions SET head_name = $2, phone = $3 WHERE id = $1`, [inst.id, `院长张三丰${i}`, `1380013800${i}`]);
      institutions.push(inst);
    }
    for (let i = 0; i < 4; i++) inspectors.push(await f.user({ role: 'inspector', regionCode: '522632', username: `检查员李四${i}` }));
    bureau = await f.user({ role: 'bureau', regionCode: '522600', username: 'ui-draw-bureau' });
    const admin = await f.user({ role: 'admin' });
    await request(t.http)
      .post('/api/v1/templates')
      .set({ Authorization: `Bearer ${admin.token}` })
      .send(MINI_TEMPLATE)
      .expect(201);
    const round = await request(t.http)
      .post('/api/v1/rounds')
      .set({ Authorization: `Bearer ${bureau.token}` })
      .send({
        name: '榕江县2026年双随机抽查',
        kind: 'supervisory',
        regionCode: '522632',
        startsOn: '2026-06-01',
        endsOn: '2026-06-30',
        institutionTypes: ['elderly_care', 'community_elderly'],
        templates: { elderly_care: 'mini-check', community_elderly: 'mini-check' },
      })
      .expect(201);
    roundId = round.body.id;
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('draws, draws again, opens and publishes from the 随机抽取 screen', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, t.baseUrl, bureau);
    await page.click(`a[data-draw="${roundId}"]`);
    await page.waitForSelector('h1:has-text("随机抽取")');
    await page.fill('#draw-ratio', '30');
    await page.fill('#draw-seed', 'ui-seed-1');
    await page.click('#draw-submit');
    await page.waitForSelector('#draw-selected tr[data-institution]');
    // ⌈0.3·7⌉ = 3 elderly-care homes, ⌈0.3·3⌉ = 1 community facility
    expect(await page.locator('#draw-selected tr[data-institution]').count()).toBe(4);
    expect(await page.textContent('#draw-summary')).toContain('ui-seed-1');
    const firstDraw = await page.textContent('#draw-selected');
    expect(firstDraw).toContain('检查员李四');
    await shot(page, 'draw-1');

    // again with another seed and count: the list is replaced
    await page.check('input[name=mode][value=count]');
    await page.fill('#draw-count', '2');
    await page.fill('#draw-seed', 'ui-seed-2');
    await page.click('#draw-submit');
    await page.waitForFunction(() => document.querySelectorAll('#draw-selected tr[data-institution]').length === 2);
    expect(await page.textContent('#draw-summary')).toContain('ui-seed-2');

    // too many inspectors per check: the 409 is told in Chinese, listing the institutions
    await page.fill('#draw-k', '5');
    await page.click('#draw-submit');
    await page.waitForSelector('#draw-error:has-text("可选检查员不足")');

    await page.click('#draw-open');
    await page.waitForSelector('#draw-status:has-text("已开始检查：为 2 家")');
    const { rows } = await f.db.query(`SELECT institution_id, assignee_ids FROM inspections WHERE round_id = $1`, [roundId]);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.assignee_ids).toHaveLength(2);

    await page.click('#draw-publish');
    await page.waitForSelector('#public-link');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the public page to anyone, in zh-CN, with no name of a person, no phone and no finding text', async () => {
    // one drawn institution has a finding with a personal detail in its text
    const { rows } = await f.db.query(`SELECT id, institution_id FROM inspections WHERE round_id = $1 ORDER BY institution_id`, [roundId]);
    await f.db.query(`UPDATE inspections SET status = 'submitted', submitted_at = now() WHERE id = $1`, [rows[0].id]);
    const findingId = await findingIn(f, { institutionId: rows[0].institution_id, regionCode: '522632' });
    await f.db.query(
      `UPDATE findings SET inspection_id = $2, title = '三楼疏散通道堆放杂物', description = '护理员王五称每天清理' WHERE id = $1`,
      [findingId, rows[0].id],
    );

    const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
    const page = await context.newPage();
    const res = await page.goto(`${t.baseUrl}/public/rounds/${roundId}`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);
    await page.waitForSelector('h1:has-text("榕江县2026年双随机抽查")');
    const html = await page.content();
    const text = (await page.textContent('body')) ?? '';
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(text).toContain('抽查实施机关：榕江县民政局');
    expect(text).toContain('ui-seed-2');
    expect(text).toContain('发现问题已责令整改');
    expect(text).toContain('未检查');
    expect(await page.locator('tbody tr').count()).toBe(2);
    for (const secret of [
      '张三丰',
      '李四',
      '王五',
      '13800138',
      '三楼疏散通道堆放杂物',
      '每天清理',
      'ui-draw-bureau',
      ...inspectors.map((i) => i.id),
    ]) {
      expect([secret, html.includes(secret)]).toEqual([secret, false]);
    }
    await shot(page, 'draw-public');
    await context.close();
  });
});
