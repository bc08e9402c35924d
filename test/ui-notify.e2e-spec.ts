/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { type Factories, findingIn, twoRegionWorld, type TwoRegionWorld } from './factories/world.js';
import { api } from './helpers/api.js';
import { hasChromium, login, PHONE, shot, startBrowserSuite, stopBrowserSuite } from './helpers/browser.js';
import { freeLowPort } from './helpers/processes.js';
import type { TestApp } from './helpers/test-app.js';

/**
 * In Chromium at phone width: a head sees the unread badge and the overdue
 * notices, and opening one reads it; a county bureau sets its WeCom robot and
 * sends the test message, which reaches a local receiver.
 */
(hasChromium ? describe : describe.skip)('notifications and robots in the UI', () => {
  let t: TestApp & { baseUrl: string };
  let f: Factories;
  let browser: Browser;
  let w: TwoRegionWorld;
  let receiver: Server;
  let robotBase: string;
  const received: string[] = [];

  beforeAll(async () => {
    const port = await freeLowPort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    robotBase = `http://127.0.0.1:${port}`;
    ({ t, f, browser } = await startBrowserSuite({ CHANNEL_ALLOW_ANY_HOST: 'true' }));
    w = await twoRegionWorld(f);
  }, 60_000);
  afterAll(async () => {
    await stopBrowserSuite({ t, f, browser });
    await new Promise((r) => receiver.close(r));
  }, 60_000);

  it('shows the head an unread badge and the overdue notices; a bureau sets its robot and sends a test message', async () => {
    const late = await Promise.all(
      ['2026-06-01', '2026-06-02'].map((deadline) => findingIn(f, { institutionId: w.instCj.id, regionCode: '522633', deadline })),
    );
    await api(t).as(w.admin).post('/jobs/deadlines/run', { asOf: '2026-06-10' }).expect(200);
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await login(page, t.baseUrl, w.headCj);
    // 2 overdue notices and the day's digest
    await page.waitForSelector('#unread:not([hidden]):has-text("3")');
    await page.click('#bell');
    await page.waitForSelector('#notifications');
    expect(await page.locator('.notice.unread[data-kind="overdue"]').count()).toBe(2);
    expect(await page.locator('.notice[data-kind="digest"]').textContent()).toContain('每日汇总');
    await shot(page, 'notify-01-head-notifications');
    await page.click('.notice[data-kind="overdue"] >> nth=0');
    await page.waitForURL(/#\/finding\//);
    expect(late).toContain(page.url().split('/').pop());
    await page.waitForSelector('#unread:has-text("2")');
    await context.close();

    const bureau = await browser.newContext(PHONE);
    const bp = await bureau.newPage();
    await login(bp, t.baseUrl, w.bureauCj);
    await bp.click('a[data-tab="channels"]');
    await bp.waitForSelector('#channels');
    await bp.fill('#wecomWebhookUrl', `${robotBase}/cgi-bin/webhook/send?key=ui-test-key-0001`);
    await bp.click('#channels button[type=submit]');
    await bp.waitForSelector('#wecomWebhookUrl-saved:has-text("key=****0001")');
    await bp.click('#channel-test');
    await bp.waitForSelector('#channel-status:has-text("已发送 1 条测试消息")');
    await shot(bp, 'notify-02-bureau-robots');
    const end = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(JSON.parse(received[0])).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining('从江县') } });
    await bureau.close();
  });
});
