import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

import { badRequest, notFound, type Reply } from './azure-errors';
import type { Session } from './sessions';

/** The upload limit the service documents: 128 MB, past which it answers 413. */
export const MAX_UPLOAD_BYTES = 128 * 1_048_576;
const SESSION_ROOT = '/mnt/data';

/** `path` of the file routes, absolute under /mnt/data or relative to it, as a folder of the session. */
export function sessionFolder(session: Session, path: string | null): string | Reply {
  const given = (path ?? '').trim();
  const relativePath =
    given === SESSION_ROOT || given === `${SESSION_ROOT}/`
      ? ''
      : given.startsWith(`${SESSION_ROOT}/`)
        ? given.slice(SESSION_ROOT.length + 1)
        : given;
  if (relativePath.startsWith('/'))
    return badRequest(`The path must be under ${SESSION_ROOT}.`, 'InvalidPath');
  const segments = relativePath.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment.includes('\\'))) {
    return badRequest('The path contains characters that are not supported.', 'InvalidPath');
  }
  const folder = resolve(session.dir, ...segments);
  if (folder !== session.dir && !folder.startsWith(`${session.dir}${sep}`)) {
    return badRequest('The path must stay inside the session.', 'InvalidPath');
  }
  // Code in the session may have left symlinks; this process must never follow one out of the session.
  for (let depth = 1; depth <= segments.length; depth += 1) {
    if (isSymlink(resolve(session.dir, ...segments.slice(0, depth)))) {
      return badRequest('The path must stay inside the session.', 'InvalidPath');
    }
  }
  return folder;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A file name as the service takes it: one name, no folders. */
export function fileNameProblem(name: string): Reply | undefined {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('/') ||
    name.includes('\\') ||
    name.length > 255
  ) {
    return badRequest('The file name contains characters that are not supported.', 'InvalidFileName');
  }
  return undefined;
}

function resourceFile(session: Session, file: string) {
  const stat = lstatSync(file);
  const directory = relative(session.dir, resolve(file, '..'));
  return {
    name: file.split(sep).pop() ?? '',
    type: stat.isDirectory() ? 'Directory' : 'File',
    ...(stat.isDirectory() ? {} : { contentType: 'application/octet-stream', sizeInBytes: stat.size }),
    lastModifiedAt: stat.mtime.toISOString(),
    directory: directory === '' ? SESSION_ROOT : `${SESSION_ROOT}/${directory.split(sep).join('/')}`,
  };
}

export function uploadFile(session: Session, folder: string, name: string, content: Uint8Array): Reply {
  mkdirSync(folder, { recursive: true });
  const target = join(folder, name);
  if (isSymlink(target)) return badRequest('The file name is taken by a link.', 'InvalidFileName');
  const fd = openSync(
    target,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
  );
  try {
    writeFileSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return { status: 200, body: resourceFile(session, target) };
}

export function listFiles(session: Session, folder: string, recursive: boolean): Reply {
  if (!existsSync(folder)) return { status: 200, body: { value: [], nextLink: null } };
  const value: ReturnType<typeof resourceFile>[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      value.push(resourceFile(session, path));
      if (recursive && entry.isDirectory() && !entry.isSymbolicLink()) walk(path);
    }
  };
  walk(folder);
  return { status: 200, body: { value, nextLink: null } };
}

/** A regular file of the session (never a link the session's code made), or 404. */
function existingFile(folder: string, name: string): string | Reply {
  const target = join(folder, name);
  let regular = false;
  try {
    regular = lstatSync(target).isFile();
  } catch {
    regular = false;
  }
  if (!regular) return notFound(`The file '${name}' does not exist in the session.`, 'FileNotFound');
  return target;
}

export function fileMetadata(session: Session, folder: string, name: string): Reply {
  const target = existingFile(folder, name);
  return typeof target === 'string' ? { status: 200, body: resourceFile(session, target) } : target;
}

export function fileContent(folder: string, name: string): Reply {
  const target = existingFile(folder, name);
  if (typeof target !== 'string') return target;
  const fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFile())
      return notFound(`The file '${name}' does not exist in the session.`, 'FileNotFound');
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}

export function deleteFile(folder: string, name: string): Reply {
  const target = existingFile(folder, name);
  if (typeof target !== 'string') return target;
  rmSync(target, { force: true });
  return { status: 204 };
}
