import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { basename, extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

async function fileAt(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built web app from `root` like a static host (Azure Static Web Apps): a file by its path,
 * `index.html` for the app's own routes (a last segment without a dot), 404 for anything else. A path that
 * would leave `root` is a 404; hashed assets are cached for a year, the page itself never.
 */
export async function serveStaticFile(
  root: string,
  pathname: string,
  method: 'GET' | 'HEAD',
  outgoing: ServerResponse,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = '\u0000';
  }
  const candidate = normalize(join(root, decoded));
  const inside = candidate === root || candidate.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
  let file: string | undefined;
  if (inside && !decoded.includes('\u0000')) {
    if (await fileAt(candidate)) file = candidate;
    // The app's own routes have no dot in their last segment; /.env or /x.json is a missing file.
    else if (!basename(decoded).includes('.')) file = join(root, 'index.html');
  }
  if (file === undefined || !(await fileAt(file))) {
    outgoing.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    outgoing.end('Not found');
    return;
  }
  const isPage = file.endsWith('index.html');
  outgoing.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': isPage ? 'no-cache' : 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
  });
  if (method === 'HEAD') {
    outgoing.end();
    return;
  }
  await pipeline(createReadStream(file), outgoing);
}
