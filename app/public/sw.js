// Pantau's service worker: the app shell and its bundle stay available when the network is gone,
// and the bundle loads from here instead of the network while it is the current build.
// Pages: network first (always the newest app when online), the cached copy when offline. pkg/
// (the bundle): the cached copy when it is of the build the newest page names (the server's
// X-Pantau-Build header), else the network, cached anew. The API is never cached here: the board's
// data lives in the page's own storage and syncs through /api.
const CACHE = 'pantau-shell-v5';
const SHELL = ['/', '/tugas', '/wall', '/pkg/pantau.js', '/pkg/pantau.wasm', '/pkg/pantau.css', '/favicon.svg', '/manifest.webmanifest'];
const BUILD = 'x-pantau-build';
// The build of the newest page this worker fetched; unknown after the worker restarts.
let build = null;

// The pages' own code (`cargo leptos build --split`): the files the split manifest names, so a page
// never opened online still opens offline. A build without the manifest has none.
const SPLIT_MANIFEST = '/pkg/__wasm_split_manifest.json';

function splitFiles() {
  return fetch(SPLIT_MANIFEST)
    .then((response) => (response.ok ? response.json() : {}))
    .then((manifest) => {
      const files = new Set([SPLIT_MANIFEST, '/pkg/__wasm_split.______________________.js']);
      for (const list of Object.values(manifest)) for (const file of list) files.add(`/pkg/${file}.wasm`);
      return Object.keys(manifest).length ? [...files] : [];
    })
    .catch(() => []);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => splitFiles().then((files) => cache.addAll(SHELL.concat(files))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// What a page says must not be stored (the print pages and the tracking page: a request's names and
// state, `Cache-Control: no-store`) stays out of the cache too: after a sign-out nothing of it is left.
function storable(response) {
  return response.ok && !/no-store/i.test(response.headers.get('cache-control') || '');
}

function fromNetwork(request) {
  return fetch(request).then((response) => {
    if (storable(response)) {
      if (request.mode === 'navigate' && response.headers.get(BUILD)) build = response.headers.get(BUILD);
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  });
}

function fromCache(request) {
  return caches.match(request, { ignoreSearch: true }).then((cached) => cached || caches.match('/'));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (url.pathname.startsWith('/pkg/') && build) {
    event.respondWith(
      caches.match(request).then((cached) =>
        cached && cached.headers.get(BUILD) === build
          ? cached
          : fromNetwork(request).catch(() => fromCache(request))),
    );
    return;
  }
  event.respondWith(fromNetwork(request).catch(() => fromCache(request)));
});

// Web Push: the server's notification (title, body, link to the card), shown by the system;
// a tap opens the card, in an open Pantau tab when there is one.
self.addEventListener('push', (event) => {
  let message = { title: 'Pantau', body: '', link: '/' };
  try {
    message = Object.assign(message, event.data ? event.data.json() : {});
  } catch (e) {
    message.body = event.data ? event.data.text() : '';
  }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body,
    icon: '/favicon.svg',
    badge: '/favicon.svg',
    tag: message.link,
    data: { link: message.link },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const wanted = new URL((event.notification.data && event.notification.data.link) || '/', self.location.origin);
  // Only this server's own pages: a link elsewhere opens the board.
  const target = wanted.origin === self.location.origin ? wanted.href : self.location.origin + '/';
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target) || windows[0];
      if (open) return open.navigate(target).then((w) => (w || open).focus()).catch(() => self.clients.openWindow(target));
      return self.clients.openWindow(target);
    }),
  );
});
