import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { settings } from '../src/shared/config/settings';
import { repoRoot } from './support/test-stack';

/** The setting names in the first column of README's settings table (`__x` is short for AzureWebJobsStorage__x). */
function documentedSettings(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.search(/^\| Setting\s+\| Default\s+\| Purpose/m);
  const table = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2);
  return table.flatMap((row) => {
    const [, first = ''] = row.split('|');
    const withoutAliases = first.replace(/\(alias[^)]*\)/g, '');
    return [...withoutAliases.matchAll(/`([A-Za-z_][\w]*)`/g)].map(([, name = '']) =>
      name.startsWith('__') ? `AzureWebJobsStorage${name}` : name,
    );
  });
}

describe('README settings table', () => {
  it('when compared with the settings schema, then it names every setting and nothing else', () => {
    const documented = documentedSettings();
    expect(documented.length).toBeGreaterThan(20); // the table was found and read
    expect([...new Set(documented)].sort()).toEqual(Object.keys(settings).sort());
  });
});
