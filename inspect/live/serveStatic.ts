/**
 * Serves the built inspector page (a Vite build: index.html and hashed assets) from one directory,
 * never outside it, with a Content-Security-Policy that lets the page reach nothing but this server.
 * @module
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Whether the page has been built into `pageDir`. */
export function pageBuilt(pageDir: string): boolean {
  return existsSync(join(pageDir, 'index.html'));
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(body + '\n');
}

/** Answers one GET/HEAD request for a file of `pageDir`. */
export function serveStatic(req: IncomingMessage, res: ServerResponse, pageDir: string, port: number): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  if (!pageBuilt(pageDir)) {
    return text(
      res,
      503,
      `The inspector page is not built: ${join(pageDir, 'index.html')} is missing.\n` +
        'Build it (see README, "Live inspector") and reload; the live WebSocket at /live works without it.',
    );
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  } catch {
    return text(res, 400, 'bad request path');
  }
  const root = resolve(pageDir);
  const file = resolve(root, '.' + normalize(pathname === '/' ? '/index.html' : pathname));
  // Nothing outside the page directory, whatever `..` or encoded separators the path holds.
  if (file !== root && !file.startsWith(root + sep)) return text(res, 403, 'forbidden');
  if (!existsSync(file) || !statSync(file).isFile()) return text(res, 404, `not found: ${pathname}`);
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // The page talks to this server only: no external script, style, image, font or socket.
    'Content-Security-Policy':
      `default-src 'self'; connect-src 'self' ws://127.0.0.1:${port}; img-src 'self' data: blob:; ` +
      `style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'`,
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
