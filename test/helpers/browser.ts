/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { Factories, FIXTURE_PASSWORD, type FixtureUser } from '../factories/world.js';
import { createTestApp, type TestApp } from './test-app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = process.env.PAICHA_SCREENSHOTS ?? 'test-output/screenshots';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stdout.write(
    `\nNOTICE: the browser tests of the UI were NOT run: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );
}

/** The flags the machine doc asks for; no network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone: 360 px wide, zh-CN, service workers on. */
export const PHONE = { viewport: { width: 360, height: 740 }, locale: 'zh-CN', serviceWorkers: 'allow' as const, acceptDownloads: true };

export function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A context whose IndexedDB and service worker survive a close and a relaunch ("the phone restarted"). */
export function launchPhone(dir: string, options: { offline?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    ...PHONE,
    offline: options.offline ?? false,
  });
}

export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

export async function login(page: Page, baseUrl: string, user: Pick<FixtureUser, 'username'>, password = FIXTURE_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("我的任务")');
}

/** Resolves once a service worker controls the page (so an offline reload is served from its cache). */
export async function waitForSwControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
}

/** Every record of one IndexedDB store of the app. */
export function readStore<T = Record<string, unknown>>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('paicha');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result as T[]);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    store,
  );
}

/** Waits until the header says everything is sent. */
export const waitSynced = (page: Page, timeout = 30_000) =>
  page.waitForFunction(() => /^已同步/.test(document.getElementById('sync')?.textContent ?? ''), undefined, { timeout });

/** Counts the API requests a context makes (method and path, ids kept), and lets them through. */
export async function countRequests(context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.route('**/api/v1/**', (route: Route) => {
    const url = new URL(route.request().url());
    seen.push(`${route.request().method()} ${url.pathname.replace('/api/v1', '')}`);
    return route.continue();
  });
  return seen;
}

/** The answers of the first item codes of the page's checklist, in page order. */
export async function itemCodes(page: Page): Promise<string[]> {
  await page.$$eval('details.section', (sections) => sections.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  return page.locator('.item').evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.item as string));
}

/**
 * A distinct, real JPEG: the fixture with other bytes after its end marker
 * (it still decodes; a new SHA-256). `padding` random bytes make it big
 * (random, because Chromium compresses what it stores in IndexedDB).
 */
export function jpegVariant(base: Buffer, n: number, padding = 0): Buffer {
  return Buffer.concat([base, Buffer.from(`variant-${n}`), randomBytes(padding)]);
}

/** A fresh phone (browser context) signed in as `user`, on its task list. */
export async function phoneSignedIn(browser: Browser, baseUrl: string, user: Pick<FixtureUser, 'username'>) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await login(page, baseUrl, user);
  return { context, page };
}

/**
 * A fresh phone (browser context) signed in as `user`, on the checklist of
 * `inspectionId` with every section open: the page and its item codes in order.
 */
export async function phoneOnChecklist(browser: Browser, baseUrl: string, user: Pick<FixtureUser, 'username'>, inspectionId: string) {
  const { context, page } = await phoneSignedIn(browser, baseUrl, user);
  await page.goto(`${baseUrl}/#/inspection/${inspectionId}`);
  await page.waitForSelector('#progress');
  return { context, page, codes: await itemCodes(page) };
}

/** A browser suite's world: the app listening on a port, factories on its database, one Chromium. */
export interface BrowserSuite {
  t: TestApp & { baseUrl: string };
  f: Factories;
  browser: Browser;
}

export async function startBrowserSuite(env?: Record<string, string>): Promise<BrowserSuite> {
  const t = (await createTestApp({ listen: true, env })) as TestApp & { baseUrl: string };
  return { t, f: await Factories.for(t), browser: await launch() };
}

export async function stopBrowserSuite(suite: Partial<BrowserSuite>): Promise<void> {
  await suite.browser?.close();
  await suite.f?.close();
  await suite.t?.close();
}
