// The test pages' static server: clients/typescript as the document root (the pages are
// /browser-test/*.html and import /dist/index.js), no node_modules but jose's browser build, nothing cached.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** clients/typescript. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

function handle(request, response) {
  const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  const file = path.resolve(ROOT, '.' + pathname);
  // node_modules is not served, except jose's browser build (the client's one dependency, see the pages' import map)
  const jose = path.join(ROOT, 'node_modules', 'jose', 'dist', 'webapi') + path.sep;
  if (!file.startsWith(ROOT + path.sep) || (file.includes(`${path.sep}node_modules${path.sep}`) && !file.startsWith(jose))) {
    response.writeHead(403).end();
    return;
  }
  fs.readFile(file, (error, data) => {
    if (error) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' })
      .end(data);
  });
}

/** Serves the pages on `host:port` (0: any free port); resolves to the listening server. */
export function servePages(port, host = '127.0.0.1') {
  const server = http.createServer(handle);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
