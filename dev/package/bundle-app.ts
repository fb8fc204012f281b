import { dirname, join, relative, sep } from 'node:path';

import { build, type BuildOptions, formatMessagesSync, type Metafile, type Plugin } from 'esbuild';

/** The entry, package.json `main`: CommonJS, which Node loads fastest (see README.md). */
export const ENTRY = 'dist/index.js';
/** Where the modules loaded on first use go, relative to the package: ES modules and their shared chunks. */
export const LAZY_FOLDER = 'dist/lazy';

// Each lazily loaded file is an ES module; the CommonJS packages bundled into it still call require() for
// Node's built-ins and read __dirname, which an ES module defines from its own URL.
const ESM_PRELUDE = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { dirname as __pathDirname } from 'node:path';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join(' ');

const BANNER = '// The chat backend, bundled by `npm run package` (dev/package). Source: src/.';

export interface AppBundle {
  /** What the entry holds: everything a cold start loads before the functions are registered. */
  readonly entry: Metafile;
  /** The modules loaded on first use, and the chunks they share. */
  readonly lazy: Metafile;
}

/**
 * Bundles the app from src/ in two builds:
 * - the entry (dist/index.js, CommonJS, one file): what a cold start runs, src/index.ts and what it
 *   imports statically (the settings, the function table, the registration);
 * - every module the app imports with `import()` (each function's module, the services), as ES modules
 *   with code splitting into dist/lazy/: a module two of them share is in one chunk, loaded once, and
 *   each `import()` inside them (the telemetry distro) is a chunk of its own.
 * The entry's `import()`s point at the lazy build's files. A module both builds hold (the settings, the
 * error classes, zod's core) has a copy in each; the two copies share no state: the entry hands the lazy
 * modules plain values (the parsed settings, the table's rows) and gets back handlers.
 */
export async function bundleApp(options: {
  readonly projectRoot: string;
  readonly folder: string;
  readonly external: readonly string[];
}): Promise<AppBundle> {
  const { projectRoot, folder } = options;
  const sources = join(projectRoot, 'src');
  const lazyEntries = new Set<string>();
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    tsconfig: join(projectRoot, 'tsconfig.json'),
    external: [...options.external],
    logLevel: 'silent',
  };
  // The lazy module an `import()` names, as a path from the entry to its file in the lazy build.
  const lazyImports: Plugin = {
    name: 'lazy-imports',
    setup(plugin) {
      plugin.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const resolved = await plugin.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        lazyEntries.add(resolved.path);
        const output = join(LAZY_FOLDER, relative(sources, resolved.path)).replace(/\.ts$/, '.mjs');
        return { path: `./${relative(dirname(ENTRY), output).split(sep).join('/')}`, external: true };
      });
    },
  };
  const entry = await build({
    ...common,
    entryPoints: [join(sources, 'index.ts')],
    outfile: join(folder, ENTRY),
    format: 'cjs',
    metafile: true,
    legalComments: 'linked',
    banner: { js: BANNER },
    plugins: [lazyImports],
  });
  failOnWarnings(entry.warnings);
  const lazy = await build({
    ...common,
    entryPoints: [...lazyEntries],
    outbase: sources,
    outdir: join(folder, LAZY_FOLDER),
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    metafile: true,
    legalComments: 'external',
    banner: { js: `${BANNER}\n${ESM_PRELUDE}` },
  });
  failOnWarnings(lazy.warnings);
  return { entry: entry.metafile, lazy: lazy.metafile };
}

/** A warning (a require esbuild cannot follow, say) would break at run time in Azure: stop. */
function failOnWarnings(warnings: Parameters<typeof formatMessagesSync>[0]): void {
  if (warnings.length > 0) throw new Error(formatMessagesSync(warnings, { kind: 'warning' }).join('\n'));
}
