// rollplan's service worker: after the first visit the app keeps working with
// the network gone. `cargo xtask dist` (xtask/src/dist.rs) writes it into
// dist/ from this template, filling in FILES (every file of the build; Trunk
// puts a content hash in each name but index.html's) and VERSION (a hash of
// their contents), so every deployment has a different sw.js.
//
// - install: fetches every file of this build into a cache of its own, named
//   after the worker's scope (the directory the app is served from) and
//   VERSION, then takes over at once: an open page has already loaded its
//   files, so it is not disturbed.
// - activate: deletes this scope's caches of other versions, and controls the
//   open pages.
// - fetch: the page itself (a navigation to the app's address) goes to the
//   network first, so a new deployment shows as soon as it is online, and
//   falls back to this build's cached index.html when the network fails or
//   takes over NETWORK_WAIT_MS; the build's other files come from the cache
//   (a name changes whenever its content does). Nothing else is touched.
//
// The browser looks for a new sw.js on every visit to the page (bypassing
// the HTTP cache); a changed one is installed beside the old one, and the old
// cache is deleted only once the new one is complete.

const VERSION = '@VERSION@';
const FILES = @FILES@;

const SCOPE = self.registration.scope;
const PREFIX = `rollplan ${SCOPE} `;
const CACHE = PREFIX + VERSION;
const URLS = new Set(FILES.map((file) => new URL(file, SCOPE).href));
const INDEX = new URL('index.html', SCOPE).href;
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Revalidated with the server: never a stale index.html from the HTTP cache.
      await cache.addAll(FILES.map((file) => new Request(new URL(file, SCOPE), { cache: 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.hash = '';
  if (request.mode === 'navigate') {
    url.search = '';
    if (url.href === SCOPE || url.href === INDEX) event.respondWith(page(request));
    return;
  }
  if (URLS.has(url.href)) event.respondWith(file(request));
});

/** The page: from the network while there is one, else this build's copy. */
async function page(request) {
  try {
    return await within(NETWORK_WAIT_MS, fetch(request));
  } catch {
    const cached = await (await caches.open(CACHE)).match(INDEX);
    return cached ?? Response.error();
  }
}

/** One of the build's files: from the cache (it was filled at install), else the network. */
async function file(request) {
  const cached = await (await caches.open(CACHE)).match(request, { ignoreSearch: true });
  return cached ?? fetch(request);
}

function within(milliseconds, promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the network took too long')), milliseconds);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
