// Paicha's field app: plain ES modules on the public API, no build step.
// Works offline: the service worker serves these files, IndexedDB keeps the
// tasks and a queue of everything typed or photographed (see sync/).
import L from '/labels.js';
import { api, errorText, session } from './lib/api.js';
import { el, render, shortTime } from './lib/dom.js';
import { createRouter } from './lib/router.js';
import { db, meta } from './sync/db.js';
import { saveDraft } from './sync/drafts.js';
import { scheduleSync, startSyncTriggers, syncNow } from './sync/engine.js';
import { refreshPack } from './sync/pack.js';
import { onStatus, refreshStatus, setStatus, status, unsent } from './sync/status.js';
import { documentsScreen } from './screens/documents.js';
import { drawScreen } from './screens/draw.js';
import { findingScreen } from './screens/finding.js';
import { findingsScreen } from './screens/findings.js';
import { homeScreen } from './screens/home.js';
import { inspectionScreen } from './screens/inspection.js';
import { loginScreen, reloginDialog } from './screens/login.js';
import { passwordScreen } from './screens/password.js';
import { mfaScreen } from './screens/mfa.js';
import { channelsScreen } from './screens/channels.js';
import { notificationsScreen, refreshUnread } from './screens/notifications.js';
import { reportsScreen } from './screens/reports.js';
import { templateScreen, templatesScreen } from './screens/templates.js';
import { syncScreen } from './screens/sync.js';

const INSTALLED = 'paicha.installedAt';

function banner(id, text, ...actions) {
  document.getElementById(id)?.remove();
  document.getElementById('banners').append(el('div', { class: 'banner', id, role: 'status' }, el('span', {}, text), ...actions));
}

/** Storage the browser wiped (eviction, "clear data") is told loudly, never silently. */
async function checkStorage() {
  const installedAt = await meta.get('installedAt');
  if (!installedAt) {
    if (localStorage.getItem(INSTALLED)) banner('wiped', '本机数据已被浏览器清除：之前未同步的数据可能已丢失。任务已重新下载。');
    const now = new Date().toISOString();
    await meta.set('installedAt', now);
    localStorage.setItem(INSTALLED, now);
  }
  if (!isSecureContext) banner('insecure', '当前连接不是 HTTPS，无法离线使用。请使用 https:// 地址打开。');
}

/** Answers the earlier version of the app kept in localStorage become drafts (and only then leave localStorage). */
async function migrateLocalStorageQueue() {
  const raw = localStorage.getItem('paicha.pending');
  if (!raw || !session.user) return;
  for (const [inspectionId, answers] of Object.entries(JSON.parse(raw))) {
    for (const { itemCode, ...answer } of Object.values(answers)) await saveDraft(session.user.id, inspectionId, itemCode, answer);
  }
  localStorage.removeItem('paicha.pending');
}

async function afterLogin() {
  await navigator.storage?.persist?.().catch(() => false);
  location.hash = '#/';
  await refreshPack().catch(() => undefined);
  scheduleSync(0);
}

async function logoutScreen() {
  const work = await unsent();
  const leave = async () => {
    // the server ends the session at once (offline: it ends by itself after SESSION_IDLE_MINUTES)
    await api('POST', '/auth/logout', undefined, { timeout: 5_000 }).catch(() => undefined);
    session.clear();
    location.hash = '#/login';
  };
  const n = work.drafts.length + work.ops.length;
  if (n === 0) return leave();
  render(
    el('h1', {}, '退出登录'),
    el('p', { class: 'card', role: 'alert' }, `本机还有 ${n} 项未同步。退出后数据仍保留在本机，但在您重新登录前不会上传。`),
    el(
      'div',
      { class: 'row' },
      el('a', { class: 'button primary', href: '#/sync' }, '先去同步'),
      el('button', { type: 'button', class: 'danger', id: 'logout-anyway', onclick: leave }, '仍然退出'),
    ),
  );
}

const routes = [
  [/^\/login$/, () => loginScreen(afterLogin)],
  [/^\/logout$/, () => logoutScreen()],
  [/^\/$/, () => homeScreen()],
  [/^\/sync$/, () => syncScreen()],
  [/^\/password$/, () => passwordScreen()],
  [/^\/mfa$/, () => mfaScreen()],
  [/^\/templates$/, () => templatesScreen()],
  [/^\/template\/([0-9a-f-]{36})$/, (m) => templateScreen(m[1])],
  [/^\/inspection\/([0-9a-f-]{36})$/, (m) => inspectionScreen(m[1])],
  [
    /^\/inspection-report\/([0-9a-f-]{36})$/,
    async (m) => location.assign(URL.createObjectURL(await api('GET', `/inspections/${m[1]}/report.pdf`))),
  ],
  [/^\/findings$/, (_m, q) => findingsScreen(q)],
  [/^\/finding\/([0-9a-f-]{36})$/, (m) => findingScreen(m[1])],
  [/^\/reports$/, (_m, q) => reportsScreen(q)],
  [/^\/documents$/, (_m, q) => documentsScreen(q)],
  [/^\/rounds\/([0-9a-f-]{36})\/draw$/, (m) => drawScreen(m[1])],
  [/^\/notifications$/, () => notificationsScreen()],
  [/^\/channels$/, (_m, q) => channelsScreen(q)],
];

const router = createRouter(routes, {
  before(path) {
    const user = session.user;
    if (!user && path !== '/login') {
      location.hash = '#/login';
      return false;
    }
    document.getElementById('tabs').hidden = !user;
    document.getElementById('who').textContent = user ? `${user.displayName}（${L.roles[user.role]}）` : '';
    for (const a of document.querySelectorAll('#tabs a')) {
      const active = `#${path}` === a.getAttribute('href') || (path.startsWith('/finding') && a.dataset.tab === 'findings');
      a.classList.toggle('active', active);
      if (active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
      if (a.dataset.role) a.hidden = !user || !a.dataset.role.split(' ').includes(user.role);
    }
    refreshUnread();
    return true;
  },
  onError(error) {
    render(el('h1', {}, '出错了'), el('p', { class: 'error' }, errorText(error)), el('a', { class: 'button', href: '#/' }, '返回'));
  },
});

function showStatus(s) {
  const badge = document.getElementById('sync');
  badge.hidden = !session.user;
  badge.className = `sync ${s.authNeeded || s.conflicts || s.failed ? 'warn' : s.pending ? 'pending' : 'done'}`;
  badge.textContent = s.authNeeded
    ? '需要登录'
    : s.syncing
      ? '同步中'
      : s.pending
        ? `未同步 ${s.pending}`
        : s.conflicts
          ? `冲突 ${s.conflicts}`
          : s.failed
            ? `未能上传 ${s.failed}`
            : `已同步 ${s.lastSyncAt ? shortTime(s.lastSyncAt).slice(6) : ''}`;
  badge.title = s.lastSyncAt ? `上次同步 ${shortTime(s.lastSyncAt)}` : '尚未同步';
  document.getElementById('offline').hidden = !s.offline;
  if (s.authNeeded && !askedForLogin && session.user) askLogin();
  askedForLogin = s.authNeeded;
}

let askedForLogin = false;
const askLogin = () =>
  reloginDialog(() => {
    setStatus({ authNeeded: false });
    syncNow();
  });

/** A new version waits until the user taps 更新: an open page is never switched under its feet. */
async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error) => console.warn('service worker', error));
  if (!reg) return;
  const offer = (worker) =>
    banner('update', '有新版本可用。', el('button', { type: 'button', onclick: () => worker.postMessage('skip-waiting') }, '更新'));
  if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => worker.state === 'installed' && navigator.serviceWorker.controller && offer(worker));
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !document.getElementById('update')) return;
    reloading = true;
    location.reload();
  });
}

async function start() {
  await db();
  await checkStorage();
  await migrateLocalStorageQueue().catch((error) => console.error('migrating the earlier queue', error));
  // counted before the badge first shows: the defaults (0 pending) would say 已同步 for what is not sent
  await refreshStatus();
  onStatus(showStatus);
  document.getElementById('sync').addEventListener('click', () => (status.authNeeded ? askLogin() : (location.hash = '#/sync')));
  startSyncTriggers();
  registerServiceWorker();
  router.route();
  if (session.user && navigator.onLine) {
    // the role and name come from the server, not from what was kept at login
    api('GET', '/auth/me', undefined, { timeout: 10_000 }).then(
      (user) => session.save(session.token, user),
      () => undefined,
    );
    scheduleSync(0);
  }
}

start().catch((error) => render(el('h1', {}, '无法启动'), el('p', { class: 'error' }, String(error?.message ?? error))));
