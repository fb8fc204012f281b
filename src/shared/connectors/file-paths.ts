/**
 * Names of connector files: relative paths that stay inside the connector folder, in the characters the
 * dynamic sessions file API accepts (letters, digits, `-`, `_`; a `.` only in the file name itself).
 */
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const MAX_DEPTH = 8;
const MAX_LENGTH = 256;

/** Why a file name is refused, or undefined when it is a safe relative path. */
export function filePathProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    return 'must be a relative path inside the connector folder, not an absolute one';
  }
  if (name.includes('\\')) return 'must use "/" between folders, not "\\"';
  const segments = name.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return 'must stay inside the connector folder: "." and ".." are not allowed';
  }
  if (segments.length > MAX_DEPTH) return `must be at most ${MAX_DEPTH} folders deep`;
  const fileName = segments[segments.length - 1] ?? '';
  const folders = segments.slice(0, -1);
  if (folders.some((segment) => !SEGMENT.test(segment))) {
    return 'folder names may hold only letters, digits, "-" and "_"';
  }
  if (!FILE_NAME.test(fileName) || fileName.endsWith('.')) {
    return 'the file name may hold only letters, digits, "-", "_" and "." (not first or last)';
  }
  if (segments.includes('__proto__')) return 'must not use the name __proto__';
  return undefined;
}

/** `a/b/c.py` -> { folder: 'a/b', name: 'c.py' } */
export function splitFilePath(path: string): { folder: string; name: string } {
  const cut = path.lastIndexOf('/');
  return cut === -1 ? { folder: '', name: path } : { folder: path.slice(0, cut), name: path.slice(cut + 1) };
}
