/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fieldInspection } from './factories/field.js';
import { Factories } from './factories/world.js';
import { seriousViolations } from './helpers/axe.js';
import {
  countRequests,
  hasChromium,
  itemCodes,
  jpegVariant,
  launchPhone,
  login,
  PHONE,
  phoneOnChecklist,
  readStore,
  shot,
  waitForSwControl,
  waitSynced,
  startBrowserSuite,
  stopBrowserSuite,
} from './helpers/browser.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * The field app with no network (research/offline.md §4.2): a whole checklist
 * filled offline survives a reload and a browser restart and is sent once;
 * photos whose responses are lost make exactly one row each; a second device's
 * change conflicts per item; two tabs send one request per batch; a full
 * phone says so instead of pretending to save.
 */
/** A real 1×1 GIF: an image the browser shows and the server refuses (415). */
const GIF_1PX = Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');

(hasChromium ? describe : describe.skip)('the field app offline (Chromium)', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;
  let photo: Buffer;

  const answers = async (inspectionId: string) =>
    (
      await f.db.query<{ item_code: string; result: string; note: string | null; photos: string[] | null }>(
        'SELECT item_code, result, note, attachment_ids AS photos FROM answers WHERE inspection_id = $1 ORDER BY item_code',
        [inspectionId],
      )
    ).rows;
  const status = async (inspectionId: string) =>
    (await f.db.query<{ status: string }>('SELECT status FROM inspections WHERE id = $1', [inspectionId])).rows[0].status;
  /** The first item that a failure does not need a photo for. */
  const plainItem = (page: Page) =>
    page.$$eval('.item', (nodes) => (nodes.find((n) => !n.textContent?.includes('不合格须拍照')) as HTMLElement).dataset.item as string);

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite());
    photo = await readFile('test/fixtures/photo.jpg');
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('fills a whole checklist offline, keeps it through a reload and a restart, sends it once, and submits when the network returns', async () => {
    const w = await fieldInspection(t, f);
    const dir = mkdtempSync(join(tmpdir(), 'paicha-phone-'));
    let context = await launchPhone(dir);
    let page = context.pages()[0] ?? (await context.newPage());
    await login(page, t.baseUrl, w.inspector);
    await waitForSwControl(page);
    await page.waitForSelector(`a[data-inspection="${w.inspectionId}"]:has-text("可离线")`);

    // the signal is gone before the checklist was ever opened
    await context.setOffline(true);
    await page.waitForSelector('#offline:not([hidden])');
    await shot(page, 'offline-home');
    await page.click(`a[data-inspection="${w.inspectionId}"]`);
    await page.waitForSelector('#progress');
    const codes = await itemCodes(page);
    expect(codes.length).toBeGreaterThanOrEqual(60);
    const failing = await plainItem(page);
    for (const code of codes) await page.click(`.item[data-item="${code}"] button[data-result="${code === failing ? 'fail' : 'pass'}"]`);
    await page.fill(`.item[data-item="${failing}"] textarea`, '二楼走廊堆放轮椅和杂物');
    await page.locator(`.item[data-item="${failing}"] textarea`).blur();
    await page.waitForFunction((n) => document.getElementById('sync')?.textContent === `未同步 ${n}`, codes.length);
    await expect(page.locator(`.item[data-item="${failing}"] .marker`).textContent()).resolves.toBe('已保存到本机');
    await shot(page, 'offline-checklist');
    expect(await answers(w.inspectionId)).toEqual([]);

    await page.reload();
    await page.waitForSelector('#progress');
    expect(await page.textContent('#progress')).toBe(`已答 ${codes.length}/${codes.length}`);

    // the phone restarts, still without signal
    await context.close();
    context = await launchPhone(dir, { offline: true });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${t.baseUrl}/#/inspection/${w.inspectionId}`);
    await page.waitForSelector('#progress');
    expect(await page.textContent('#progress')).toBe(`已答 ${codes.length}/${codes.length}`);
    expect(await page.inputValue(`.item[data-item="${failing}"] textarea`)).toBe('二楼走廊堆放轮椅和杂物');
    expect(await readStore(page, 'drafts')).toHaveLength(codes.length);
    expect(await answers(w.inspectionId)).toEqual([]);

    // the network returns: one batch, every answer, nothing twice
    const seen = await countRequests(context);
    await context.setOffline(false);
    await waitSynced(page);
    const saved = await answers(w.inspectionId);
    expect(saved).toHaveLength(codes.length);
    expect(saved.filter((a) => a.result === 'fail')).toEqual([
      { item_code: failing, result: 'fail', note: '二楼走廊堆放轮椅和杂物', photos: null },
    ]);
    expect(seen.filter((s) => s === `PUT /inspections/${w.inspectionId}/answers`)).toHaveLength(1);
    expect(await readStore(page, 'drafts')).toHaveLength(0);

    // submitted offline: 待提交 until the server took it
    await context.setOffline(true);
    await page.click('#submit');
    await page.waitForSelector('#submit-state:has-text("待提交")');
    expect(await status(w.inspectionId)).toBe('in_progress');
    await context.setOffline(false);
    await page.waitForSelector('#submit-state:has-text("已提交")', { timeout: 30_000 });
    expect(await status(w.inspectionId)).toBe('submitted');
    expect(seen.filter((s) => s === `POST /inspections/${w.inspectionId}/submit`)).toHaveLength(1);
    expect((await f.db.query('SELECT count(*)::int AS n FROM findings WHERE inspection_id = $1', [w.inspectionId])).rows[0].n).toBe(1);
    await context.close();
  }, 180_000);

  it('uploads three photos taken offline exactly once each although the first response of every upload is lost', async () => {
    const w = await fieldInspection(t, f);
    const {
      context,
      page,
      codes: [a, b],
    } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    const [p1, p2, p3] = [1, 2, 3].map((n) => ({ name: `p${n}.jpg`, mimeType: 'image/jpeg', buffer: jpegVariant(photo, n) }));

    await context.setOffline(true);
    await page.click(`.item[data-item="${a}"] button[data-result="fail"]`);
    await page.click(`.item[data-item="${b}"] button[data-result="pass"]`);
    await page.setInputFiles(`input[data-photo="${a}"]`, [p1, p2]);
    await page.setInputFiles(`input[data-photo="${b}"]`, [p1, p3]);
    await page.waitForFunction(
      ([x, y]) =>
        document.querySelectorAll(`.item[data-item="${x}"] .photos img`).length === 2 &&
        document.querySelectorAll(`.item[data-item="${y}"] .photos img`).length === 2,
      [a, b],
    );
    expect(await readStore(page, 'blobs')).toHaveLength(3);

    const attempts = new Map<string, number>();
    await context.route('**/api/v1/attachments', async (route) => {
      const key = route.request().headers()['idempotency-key'];
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      if (attempts.get(key) === 1) {
        await route.fetch(); // the server stores it…
        return route.abort('connectionreset'); // …and the phone never hears back
      }
      return route.continue();
    });
    await context.setOffline(false);
    await waitSynced(page, 60_000);

    expect([...attempts.values()]).toEqual([2, 2, 2]);
    const rows = await f.db.query<{ sha256: string }>('SELECT sha256 FROM attachments WHERE uploaded_by = $1', [w.inspector.id]);
    expect(rows.rows).toHaveLength(3);
    const saved = await answers(w.inspectionId);
    const ids = await f.db.query<{ id: string; sha256: string }>('SELECT id, sha256 FROM attachments WHERE uploaded_by = $1', [
      w.inspector.id,
    ]);
    const shaOf = new Map(ids.rows.map((r) => [r.id, r.sha256]));
    const blobs = await readStore<{ sha256: string; attachmentId: string }>(page, 'blobs');
    expect(blobs.every((x) => shaOf.get(x.attachmentId) === x.sha256)).toBe(true);
    const byName = new Map(blobs.map((x) => [x.attachmentId, x.sha256]));
    const shasOf = (code: string) => (saved.find((x) => x.item_code === code)?.photos ?? []).map((id) => byName.get(id)).sort();
    const sha = async (buffer: Buffer) => (await import('node:crypto')).createHash('sha256').update(buffer).digest('hex');
    expect(shasOf(a)).toEqual([await sha(p1.buffer), await sha(p2.buffer)].sort());
    expect(shasOf(b)).toEqual([await sha(p1.buffer), await sha(p3.buffer)].sort());
    expect(
      (
        await f.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'attachment.upload' AND actor_id = $1`, [
          w.inspector.id,
        ])
      ).rows[0].n,
    ).toBe(3);
    await context.close();
  }, 120_000);

  it('merges a second device’s changes item by item and lets the inspector choose on a real conflict', async () => {
    const w = await fieldInspection(t, f);
    const {
      context: phoneA,
      page: pageA,
      codes: [one, two, three],
    } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    const { context: phoneB, page: pageB } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);

    await phoneA.setOffline(true);
    await pageB.click(`.item[data-item="${one}"] button[data-result="pass"]`);
    await pageB.click(`.item[data-item="${two}"] button[data-result="pass"]`);
    await waitSynced(pageB);
    await pageA.click(`.item[data-item="${two}"] button[data-result="na"]`);
    await pageA.click(`.item[data-item="${three}"] button[data-result="fail"]`);

    await phoneA.setOffline(false);
    await pageA.waitForSelector(`.item[data-item="${two}"] .conflict-box`, { timeout: 30_000 });
    await pageA.waitForFunction(() => !/^未同步/.test(document.getElementById('sync')?.textContent ?? ''));
    expect((await answers(w.inspectionId)).map((x) => [x.item_code, x.result])).toEqual([
      [one, 'pass'],
      [two, 'pass'],
      [three, 'fail'],
    ]);
    expect(await pageA.getAttribute(`.item[data-item="${one}"] button[data-result="pass"]`, 'aria-pressed')).toBe('true');
    const conflict = await pageA.textContent(`.item[data-item="${two}"] .conflict-box`);
    expect(conflict).toContain('本机：不涉及');
    expect(conflict).toContain('服务器：合格');
    await pageA.waitForFunction(() => document.getElementById('sync')?.textContent === '冲突 1');
    await pageA.locator(`.item[data-item="${two}"]`).scrollIntoViewIfNeeded();
    await shot(pageA, 'conflict');
    expect(await seriousViolations(pageA)).toEqual([]);

    await pageA.click(`.item[data-item="${two}"] button[data-keep="local"]`);
    await waitSynced(pageA);
    expect((await answers(w.inspectionId)).map((x) => [x.item_code, x.result])).toEqual([
      [one, 'pass'],
      [two, 'na'],
      [three, 'fail'],
    ]);
    await Promise.all([phoneA.close(), phoneB.close()]);
  }, 120_000);

  it('sends one request per batch when two tabs and the timer all try at once, and nothing when the queue is empty', async () => {
    const w = await fieldInspection(t, f);
    const { context, page: tab1, codes: all } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    const codes = all.slice(0, 5);
    const tab2 = await context.newPage();
    await tab2.goto(`${t.baseUrl}/#/`);
    await tab2.waitForSelector('h1:has-text("我的任务")');
    const seen = await countRequests(context);

    await context.setOffline(true);
    await tab1.bringToFront(); // a background tab gets no animation frames, and Playwright's clicks wait for them
    for (const code of codes) await tab1.click(`.item[data-item="${code}"] button[data-result="pass"]`);
    await context.setOffline(false); // both tabs hear `online`…
    await Promise.all(
      [tab1, tab2].map((tab) =>
        tab.evaluate(() => {
          dispatchEvent(new Event('focus'));
          dispatchEvent(new Event('online'));
        }),
      ),
    ); // …and more triggers at once
    await waitSynced(tab1);
    await tab2.waitForTimeout(4_000); // the tab that found the lock taken looks again, finds nothing
    expect(seen.filter((s) => s === `PUT /inspections/${w.inspectionId}/answers`)).toHaveLength(1);
    expect(await answers(w.inspectionId)).toHaveLength(5);
    await tab2.click('#sync');
    await tab2.click('#sync-now');
    await tab2.waitForSelector('text=本机数据已全部同步');
    expect(seen.filter((s) => s.startsWith('PUT '))).toHaveLength(1);
    await context.close();
  }, 90_000);

  it('marks a photo the server refuses and the answer using it, sends the rest, and does not retry it by itself', async () => {
    const w = await fieldInspection(t, f);
    const {
      context,
      page,
      codes: [a, b],
    } = await phoneOnChecklist(browser, t.baseUrl, w.inspector, w.inspectionId);
    const seen = await countRequests(context);
    await context.setOffline(true);
    await page.click(`.item[data-item="${a}"] button[data-result="fail"]`);
    await page.setInputFiles(`input[data-photo="${a}"]`, { name: 'sign.gif', mimeType: 'image/gif', buffer: GIF_1PX });
    await page.waitForSelector(`.item[data-item="${a}"] .photos img`);
    await page.click(`.item[data-item="${b}"] button[data-result="pass"]`);
    await context.setOffline(false);
    await page.waitForSelector(`.item[data-item="${a}"] .marker:has-text("未能上传")`, { timeout: 30_000 });
    await page.waitForFunction(() => document.getElementById('sync')?.textContent === '未能上传 1');
    expect((await answers(w.inspectionId)).map((x) => [x.item_code, x.result])).toEqual([[b, 'pass']]);
    await page.waitForTimeout(3_000); // timers and triggers come and go: the refusal is not sent again by itself
    expect(seen.filter((s) => s === 'POST /attachments')).toHaveLength(1);
    const [draft] = await readStore<{ itemCode: string; state: string; error: string }>(page, 'drafts');
    expect([draft.itemCode, draft.state]).toEqual([a, 'failed']);
    expect(draft.error).toMatch(/JPEG, PNG, WebP/);
    await page.click('#sync');
    await page.waitForSelector('#retry:has-text("重试被拒绝的 1 项")');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('says so when the phone is full instead of pretending to save, and keeps what was saved', async () => {
    const w = await fieldInspection(t, f);
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    // a phone with 1 MiB left for this site (set before the app opens its database, which reads the quota)
    await (await context.newCDPSession(page)).send('Storage.overrideQuotaForOrigin', { origin: t.baseUrl, quotaSize: 1024 * 1024 });
    await login(page, t.baseUrl, w.inspector);
    await page.goto(`${t.baseUrl}/#/inspection/${w.inspectionId}`);
    await page.waitForSelector('#progress');
    const [code] = await itemCodes(page);
    await context.setOffline(true);
    await page.click(`.item[data-item="${code}"] button[data-result="fail"]`);
    await page.waitForSelector(`.item[data-item="${code}"] .marker:has-text("已保存到本机")`);
    await page.setInputFiles(`input[data-photo="${code}"]`, {
      name: 'big.jpg',
      mimeType: 'image/jpeg',
      buffer: jpegVariant(photo, 9, 1_400_000),
    });
    await page.waitForSelector(`.item[data-item="${code}"] .error:has-text("存储空间不足")`);
    expect(await page.locator(`.item[data-item="${code}"] .photos img`).count()).toBe(0);
    await shot(page, 'storage-full');
    const drafts = await readStore<{ itemCode: string; result: string; photoShas: string[] }>(page, 'drafts');
    expect(drafts.map((d) => [d.itemCode, d.result, d.photoShas])).toEqual([[code, 'fail', []]]);
    expect(await readStore(page, 'blobs')).toEqual([]);
    await context.close();
  }, 60_000);
});
