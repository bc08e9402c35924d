// The field app offline, in Debian's Chromium against the built service:
//   - cold load with no network: a restarted browser opens the checklist from the service worker and IndexedDB;
//   - the sync after reconnecting: 70 answers and 3 photos filled offline, until the header says 已同步;
//   - what one filled inspection with its photos takes in IndexedDB.
// Prints one JSON line: { coldLoadMs: [..], syncMs: [..], idbBytes, logicalBytes }.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, username, password, inspectionId, runs = '3'] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const phone = { executablePath: CHROMIUM, args, viewport: { width: 360, height: 740 }, locale: 'zh-CN', serviceWorkers: 'allow' };
const fixture = await readFile('test/fixtures/photo.jpg');
const photos = [1, 2, 3].map((n) => ({
  name: `p${n}.jpg`,
  mimeType: 'image/jpeg',
  buffer: Buffer.concat([fixture, randomBytes(250_000)]),
}));

const dir = await mkdtemp(join(tmpdir(), 'paicha-bench-phone-'));
const result = { coldLoadMs: [], syncMs: null, idbBytes: null, logicalBytes: null, answers: 0, photos: photos.length };
try {
  let context = await chromium.launchPersistentContext(dir, phone);
  let page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${base}/#/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector(`a[data-inspection="${inspectionId}"]`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });

  // cold loads: the browser restarted with no network, straight into the checklist
  for (let i = 0; i < Number(runs); i++) {
    await context.close();
    context = await chromium.launchPersistentContext(dir, { ...phone, offline: true });
    page = context.pages()[0] ?? (await context.newPage());
    const t0 = performance.now();
    await page.goto(`${base}/#/inspection/${inspectionId}`);
    await page.waitForSelector('#progress');
    result.coldLoadMs.push(performance.now() - t0);
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { shellHtml: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, checklist: performance.now() };
    });
    (result.coldTimings ??= []).push(Object.fromEntries(Object.entries(timing).map(([k, v]) => [k, Math.round(v)])));
  }

  // fill everything offline: 70 answers (or all the checklist has), 3 photos on the first items
  await page.$$eval('details.section', (sections) => sections.forEach((d) => (d.open = true)));
  const codes = await page.locator('.item').evaluateAll((nodes) => nodes.map((n) => n.dataset.item));
  for (const code of codes.slice(0, 70)) await page.click(`.item[data-item="${code}"] button[data-result="pass"]`);
  result.answers = Math.min(70, codes.length);
  for (const [i, p] of photos.entries()) await page.setInputFiles(`input[data-photo="${codes[i]}"]`, p);
  await page.waitForFunction((n) => document.querySelectorAll('.item .photos img').length >= n, photos.length);
  const sizes = await page.evaluate(async () => {
    const estimate = await navigator.storage.estimate();
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('paicha');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = (store) =>
      new Promise((resolve) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => resolve(r.result);
      });
    const [inspections, drafts, blobs] = await Promise.all([all('inspections'), all('drafts'), all('blobs')]);
    const json = JSON.stringify(inspections).length + JSON.stringify(drafts).length;
    return { idb: estimate.usageDetails?.indexedDB ?? null, logical: json + blobs.reduce((s, b) => s + b.size, 0) };
  });
  result.idbBytes = sizes.idb;
  result.logicalBytes = sizes.logical;

  // the network returns
  const t0 = performance.now();
  await context.setOffline(false);
  await page.waitForFunction(() => /^已同步/.test(document.getElementById('sync')?.textContent ?? ''), undefined, { timeout: 120_000 });
  result.syncMs = performance.now() - t0;
  await context.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
