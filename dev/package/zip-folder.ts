import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

import { unzipSync, type Zippable, zipSync } from 'fflate';

/** Every file under `root`, as paths relative to it with `/` separators, sorted. */
export function listFiles(root: string): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      return entry.isDirectory() ? walk(path) : [relative(root, path).split(sep).join('/')];
    });
  return walk(root).sort();
}

/**
 * Zips a folder's files the way azd zips a function app's package for a zip deploy: the folder's
 * contents at the root of the archive, deflated, without `.funcignore` and `local.settings.json` (azd
 * leaves both out).
 */
export function zipFolder(root: string): Uint8Array {
  const entries: Zippable = {};
  for (const file of listFiles(root)) {
    const name = file.split('/').pop() ?? file;
    if (name === '.funcignore' || name === 'local.settings.json') continue;
    const path = join(root, file);
    entries[file] = [readFileSync(path), { level: 6, mtime: statSync(path).mtime }];
  }
  return zipSync(entries);
}

/** Unpacks a zip into `target` (as the Functions host unpacks the deployed package); returns the files. */
export function unzipInto(zip: Uint8Array, target: string): string[] {
  const files = unzipSync(zip);
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    const path = join(target, name);
    if (relative(target, path).startsWith('..')) throw new Error(`zip entry outside the target: ${name}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return Object.keys(files).filter((name) => !name.endsWith('/'));
}
