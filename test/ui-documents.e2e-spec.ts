/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { fieldInspection } from './factories/field.js';
import { type Factories, FIXTURE_PASSWORD, type FixtureUser } from './factories/world.js';
import { hasChromium, login as signIn, PHONE, shot, startBrowserSuite, stopBrowserSuite } from './helpers/browser.js';
import { docxText } from './helpers/documents.js';
import { pdfText } from './helpers/pdf.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * Documents in the browser: the inspector issues the notice from a submitted
 * supervisory inspection and downloads it as PDF and Word; the head sees it
 * among their institution's documents; the finding page shows its number.
 */
(hasChromium ? describe : describe.skip)('documents in the UI', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;
  let inspector: FixtureUser;
  let head: FixtureUser;
  let inspectionId: string;
  let findingId: string;

  const open = async (user: FixtureUser): Promise<Page> => {
    const page = await (await browser.newContext(PHONE)).newPage();
    page.on('pageerror', (error) => process.stdout.write(`pageerror: ${error.message}\n`));
    await signIn(page, t.baseUrl, user, FIXTURE_PASSWORD);
    return page;
  };

  beforeAll(async () => {
    ({ t, f, browser } = await startBrowserSuite());
    ({ inspectionId, inspector, head } = await fieldInspection(t, f, { name: '文书界面养老院' }));
    // every item answered, one general item without a photo requirement failed, submitted through the API
    const as = { Authorization: `Bearer ${inspector.token}` };
    const inspection = (await request(t.http).get(`/api/v1/inspections/${inspectionId}`).set(as).expect(200)).body;
    const items = inspection.template.sections.flatMap(
      (s: { items: { code: string; responseType: string; severity: string; requiresPhotoOnFail: boolean }[] }) => s.items,
    );
    const failed = items.find(
      (i: { severity: string; requiresPhotoOnFail: boolean }) => i.severity === 'general' && !i.requiresPhotoOnFail,
    ).code;
    const answers = items.map((i: { code: string; responseType: string }) => ({
      itemCode: i.code,
      result: i.code === failed ? 'fail' : 'pass',
      ...(i.responseType === 'number' ? { value: 1 } : i.responseType === 'text' ? { value: '有' } : {}),
    }));
    await request(t.http).put(`/api/v1/inspections/${inspectionId}/answers`).set(as).send({ answers }).expect(200);
    await request(t.http).post(`/api/v1/inspections/${inspectionId}/submit`).set(as).send({}).expect(200);
    findingId = (await request(t.http).get(`/api/v1/findings?inspectionId=${inspectionId}`).set(as).expect(200)).body.items[0].id;
  }, 60_000);
  afterAll(() => stopBrowserSuite({ t, f, browser }), 60_000);

  it('issues the notice from the inspection, downloads PDF and Word, and shows its number to the head and on the finding', async () => {
    const page = await open(inspector);
    await page.goto(`${t.baseUrl}/#/inspection/${inspectionId}`);
    await page.click('#issue-notice');
    const card = page.locator('#notice [data-document]');
    await card.waitFor();
    const number = (await card.locator('b').first().textContent()) ?? '';
    expect(number).toMatch(/^测民安整〔\d{4}〕1号$/);
    await shot(page, 'documents-01-notice-issued');
    const [pdf] = await Promise.all([page.waitForEvent('download'), card.locator('button[data-download="pdf"]').click()]);
    expect(pdfText(await readFile((await pdf.path())!)).text.replace(/\s+/g, '')).toContain(number);
    const [word] = await Promise.all([page.waitForEvent('download'), card.locator('button[data-download="docx"]').click()]);
    expect(word.suggestedFilename()).toMatch(/\.docx$/);
    expect((await docxText(await readFile((await word.path())!))).text).toContain(number);
    await page.context().close();

    const headPage = await open(head);
    await headPage.goto(`${t.baseUrl}/#/documents`);
    await headPage.waitForSelector(`[data-document] b:has-text("${number}")`);
    await shot(headPage, 'documents-02-head-list');
    await headPage.goto(`${t.baseUrl}/#/finding/${findingId}`);
    await headPage.waitForSelector(`#finding-documents b:has-text("${number}")`);
    await headPage.context().close();
  }, 90_000);
});
