import { writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { buildPackage, PACKAGE_FOLDER, ZIPPED_BUDGET_BYTES } from './build-package';
import { zipFolder } from './zip-folder';

// dist/dev/package in the build.
const repoRoot = resolve(__dirname, '../../..');

/** `npm run package [-- --out <folder>] [--zip <file>]`: builds the deployment package azd uploads. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: PACKAGE_FOLDER }, zip: { type: 'string' } },
    strict: true,
  });
  const folder = resolve(repoRoot, values.out);
  const built = await buildPackage({ projectRoot: repoRoot, folder });
  const zip = zipFolder(folder);
  if (values.zip !== undefined) writeFileSync(resolve(values.zip), zip);
  const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  process.stdout.write(
    [
      `${relative(process.cwd(), folder) || '.'}/: ${built.files.length} files, ${megabytes(built.bytes)} MiB; ` +
        `zipped ${megabytes(zip.byteLength)} MiB (budget ${megabytes(ZIPPED_BUDGET_BYTES)} MiB)`,
      `node_modules: ${built.installed.map((item) => `${item.name}@${item.version}`).join(', ')}`,
      `azd deploys it (azure.yaml services.api.dist); to look inside: ls ${join(relative(process.cwd(), folder) || '.', 'dist')}`,
      '',
    ].join('\n'),
  );
  if (zip.byteLength > ZIPPED_BUDGET_BYTES) {
    process.stderr.write('the package is over its budget: see dev/package/README.md\n');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
