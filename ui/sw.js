// The service worker: the app shell from the cache, so the app opens with no
// network. The server injects the list of files and their content-hash version
// into the next line at boot; this file itself is served with no-cache.
const SHELL = { version: 'dev', urls: [] };
const CACHE = `paicha-shell-${SHELL.version}`;

self.addEventListener('install', (event) => {
  // no skipWaiting(): a new version waits until the user taps 更新 (or every tab is closed)
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.urls.map((url) => new Request(url, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('paicha-shell-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // the API is never cached here: answers and photos live in IndexedDB, sent by the page
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname === '/health')
    return;
  const path = request.mode === 'navigate' ? '/index.html' : url.pathname;
  if (!SHELL.urls.includes(path)) return;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(path))
      .then((hit) => hit ?? fetch(request)),
  );
});

// Background Sync is only a wake-up: the open pages send the queue.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((clients) => clients.forEach((c) => c.postMessage('sync'))));
});
