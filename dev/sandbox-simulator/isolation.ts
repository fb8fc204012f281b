import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The locked-down child process one session's code runs in, with bubblewrap (Debian's `bubblewrap`):
 * new user, PID, IPC, UTS and (for EgressDisabled pools) network namespaces; only /usr, the interpreters,
 * TLS roots and DNS files visible, read-only; the session's folder at /mnt/data as the only writable
 * place besides a private /tmp; an environment of PATH, HOME and LANG only (plus this host's proxy and CA
 * variables for pools with egress); no capabilities; killed with
 * the simulator. prlimit inside adds memory, CPU-time, file-size and process limits.
 */
export interface SandboxLimits {
  readonly memoryMb: number;
  readonly cpuSeconds: number;
  readonly fileSizeMb: number;
}

export interface Isolation {
  readonly bwrap: string;
  /** The command line that runs `argv` for a session whose folder is `sessionDir`. */
  command(options: {
    sessionDir: string;
    network: boolean;
    limits: SandboxLimits;
    argv: readonly string[];
  }): string[];
}

/**
 * How this host reaches the network (proxies, the CA of a TLS-inspecting proxy): given to sessions of
 * pools with egress so their traffic works here as it would in Azure. None of them is a secret.
 */
export const NETWORK_VARIABLES = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

const SYSTEM_DIRS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
const ETC_FILES = [
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/pki',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/alternatives',
];

/** What to mount for one path: the path itself, or a symlink where the host has one (/lib -> usr/lib). */
function mountOf(path: string): string[] {
  if (!existsSync(path)) return [];
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(path), path];
  return ['--ro-bind', path, path];
}

/** The install prefix of an interpreter outside /usr (e.g. ~/.nvm/versions/node/v22), to mount read-only. */
function prefixOf(interpreter: string): string | undefined {
  const real = realpathSync(interpreter);
  if (real.startsWith('/usr/')) return undefined;
  return dirname(dirname(real));
}

/**
 * Interpreters outside /usr are mounted under /opt/runtime<N>, never at their host path, so the code
 * learns nothing of the host's layout (a project checkout under /work, a home folder).
 */
function runtimeMounts(prefixes: readonly string[]) {
  const mounts = prefixes.map((host, index) => ({ host, inside: `/opt/runtime${index}` }));
  const inside = (arg: string): string => {
    let real: string;
    try {
      real = realpathSync(arg);
    } catch {
      return arg;
    }
    const mount = mounts.find(({ host }) => real.startsWith(`${host}/`));
    return mount === undefined ? arg : `${mount.inside}${real.slice(mount.host.length)}`;
  };
  return {
    binds: mounts.flatMap(({ host, inside: target }) => ['--ro-bind', host, target]),
    argv: (argv: readonly string[]) => argv.map((arg) => (arg.startsWith('/') ? inside(arg) : arg)),
  };
}

/** Finds bubblewrap and checks that it can create namespaces here; undefined, with why, when it cannot. */
export function detectIsolation(interpreters: readonly string[]): {
  isolation?: Isolation;
  problem?: string;
} {
  const bwrap = ['/usr/bin/bwrap', '/usr/local/bin/bwrap'].find((candidate) => existsSync(candidate));
  if (bwrap === undefined) {
    return { problem: 'bubblewrap is not installed (apt-get install -y bubblewrap)' };
  }
  const runtimes = runtimeMounts([
    ...new Set(interpreters.map(prefixOf).filter((prefix) => prefix !== undefined)),
  ]);
  const root = process.getuid?.() === 0;
  const isolation: Isolation = {
    bwrap,
    command: ({ sessionDir, network, limits, argv }) => [
      bwrap,
      '--unshare-all',
      ...(network ? ['--share-net'] : []),
      '--die-with-parent',
      '--new-session',
      ...(root ? ['--cap-drop', 'ALL'] : []),
      '--ro-bind',
      '/usr',
      '/usr',
      ...SYSTEM_DIRS.flatMap(mountOf),
      ...ETC_FILES.flatMap(mountOf),
      ...runtimes.binds,
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--bind',
      sessionDir,
      '/mnt/data',
      '--chdir',
      '/mnt/data',
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/local/bin:/usr/bin:/bin',
      '--setenv',
      'HOME',
      '/mnt/data',
      '--setenv',
      'LANG',
      'C.UTF-8',
      ...(network
        ? NETWORK_VARIABLES.flatMap((name) => {
            const value = process.env[name];
            return value === undefined || value === '' ? [] : ['--setenv', name, value];
          })
        : []),
      '--',
      '/usr/bin/prlimit',
      `--data=${limits.memoryMb * 1_048_576}`,
      `--cpu=${limits.cpuSeconds}`,
      `--fsize=${limits.fileSizeMb * 1_048_576}`,
      '--nofile=1024',
      '--nproc=1024',
      '--',
      ...runtimes.argv(argv),
    ],
  };
  const probe = spawnSync(
    isolation.bwrap,
    isolation
      .command({
        sessionDir: '/tmp',
        network: false,
        limits: { memoryMb: 256, cpuSeconds: 5, fileSizeMb: 1 },
        argv: ['/usr/bin/true'],
      })
      .slice(1),
    { timeout: 10_000, env: {} },
  );
  if (probe.status !== 0) {
    const reason = probe.stderr.toString().trim().split('\n')[0] ?? `exit ${probe.status}`;
    return { problem: `bubblewrap cannot create a sandbox here: ${reason}` };
  }
  return { isolation };
}
