// Serves the built app (dist/) over HTTP on 127.0.0.1, under a sub-path, as a
// static file host would: the app must work from any path, not just "/".
//
// Used by the end-to-end test (app.test.mjs) and the screenshot script.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sub-path the app is served under. */
export const BASE_PATH = '/tools/rollplan/';

/** dist/ at the workspace root (this file is in e2e/), or $ROLLPLAN_DIST. */
export const DIST = resolve(
  process.env.ROLLPLAN_DIST ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', 'dist'),
);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Precompressed copies `cargo xtask dist` writes, most preferred first, as nginx's `brotli_static` and `gzip_static` pick them. */
const PRECOMPRESSED = [
  ['br', '.br'],
  ['gzip', '.gz'],
];

/**
 * Serves `dist` (default: dist/) on a free port. Returns `{ url, requests, encodings, close }`: the
 * app's URL, every path requested so far (to check that the page asks for
 * nothing but its own files), the content encoding each path was last sent
 * with (`identity` when none), and a function that stops the server (and
 * drops open connections: the offline test needs it gone). Like a host set
 * up as the README says, it sends a file's precompressed copy when the
 * browser accepts its encoding.
 */
export async function serveDist(dist = DIST) {
  const requests = [];
  const encodings = new Map();
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    requests.push(path);
    if (!path.startsWith(BASE_PATH)) {
      response.writeHead(404).end();
      return;
    }
    const relative = path.slice(BASE_PATH.length) || 'index.html';
    const file = normalize(join(dist, relative));
    if (!file.startsWith(dist + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        vary: 'accept-encoding',
      };
      const accepted = String(request.headers['accept-encoding'] ?? '');
      let body = null;
      let encoding = 'identity';
      for (const [name, suffix] of PRECOMPRESSED) {
        if (!accepted.includes(name)) continue;
        body = await readFile(file + suffix).catch(() => null);
        if (body !== null) {
          encoding = name;
          headers['content-encoding'] = name;
          break;
        }
      }
      body ??= await readFile(file);
      encodings.set(path, encoding);
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    requests,
    encodings,
    // Drops the browser's kept-alive connections too, so the server is really gone at once.
    close: () =>
      new Promise((done) => {
        server.close(done);
        server.closeAllConnections();
      }),
  };
}
