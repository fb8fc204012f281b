import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Metafile } from 'esbuild';

import { buildPackage, ZIPPED_BUDGET_BYTES } from '../dev/package/build-package';
import { ENTRY } from '../dev/package/bundle-app';
import { zipFolder } from '../dev/package/zip-folder';
import { repoRoot } from '../dev/stack/isolated-stack';
import { type BenchResult, round } from './measure';

/**
 * The deployment package azd uploads (npm run package, zipped as azd zips it): its size against the
 * budget. The smaller the zip and the fewer its files, the less a Flex Consumption instance fetches and
 * unpacks before the first request.
 */
export async function benchPackageSize(): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'package-size-'));
  try {
    const started = performance.now();
    const built = await buildPackage({ projectRoot: repoRoot, folder: join(work, 'package') });
    const zip = zipFolder(built.folder);
    const buildMs = performance.now() - started;
    const mebibytes = (bytes: number) => round(bytes / 2 ** 20);
    return {
      name: 'package size',
      ratioOf: 'zipped deployment package / 15 MiB budget',
      ratio: round(zip.byteLength / ZIPPED_BUDGET_BYTES, 3),
      target: '≤ 1',
      inputs: {
        nodeModules: built.installed.map((item) => `${item.name}@${item.version}`).join(', '),
      },
      figures: {
        zippedBytes: zip.byteLength,
        zippedMiB: mebibytes(zip.byteLength),
        files: built.files.length,
        unzippedMiB: mebibytes(built.bytes),
        entryKiB: round(statSync(join(built.folder, ENTRY)).size / 1024, 1),
        lazyMiB: mebibytes(outputBytes(built.bundle.lazy)),
        buildAndZipMs: round(buildMs, 0),
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The bytes of the files a build wrote (source maps and legal comments aside). */
function outputBytes(metafile: Metafile): number {
  return Object.entries(metafile.outputs)
    .filter(([file]) => /\.m?js$/.test(file))
    .reduce((total, [, output]) => total + output.bytes, 0);
}
