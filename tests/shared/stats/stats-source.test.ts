import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { UpstreamError } from '../../../src/shared/errors';
import { createJsonFileStatsSource, defaultStatsFile } from '../../../src/shared/stats/stats-source';

const repositoryRoot = path.resolve(__dirname, '../../..');
let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'stats-source-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('defaultStatsFile', () => {
  test('when resolved from the source tree, then it is the bundled sample file in the package root', () => {
    const file = defaultStatsFile();
    expect(file).toBe(path.join(repositoryRoot, 'data', 'sample-stats.json'));
    expect(existsSync(file)).toBe(true);
  });

  test('when resolved from the compiled output folder, then it is the same file', () => {
    expect(defaultStatsFile(path.join(repositoryRoot, 'dist', 'src', 'shared', 'stats'))).toBe(
      path.join(repositoryRoot, 'data', 'sample-stats.json'),
    );
  });

  test('when no folder above holds the sample file, then the path is under the nearest package root', async () => {
    const nested = path.join(folder, 'app', 'dist', 'src');
    await mkdir(nested, { recursive: true });
    await writeFile(path.join(folder, 'app', 'package.json'), '{}');
    expect(defaultStatsFile(nested)).toBe(path.join(folder, 'app', 'data', 'sample-stats.json'));
  });
});

describe('JSON file stats source', () => {
  test('when the sample file is read, then every statistic carries the note that the figures are not real', async () => {
    const source = createJsonFileStatsSource(defaultStatsFile());
    expect(await source.keys()).toEqual(
      expect.arrayContaining([
        'satisfied_share',
        'average_departure_delay_minutes',
        'average_arrival_delay_minutes',
        'business_travel_share',
        'average_seat_comfort',
        'passengers_surveyed',
      ]),
    );
    expect(await source.keys()).not.toContain('_note');
    expect(await source.get('satisfied_share')).toMatchObject({
      value: expect.any(Number) as number,
      unit: 'share',
      note: 'Sample statistics for local development; not real figures',
    });
  });

  test('when a key is unknown, then get answers undefined', async () => {
    expect(await createJsonFileStatsSource(defaultStatsFile()).get('nope')).toBeUndefined();
  });

  test('when the file is missing, then the source rejects with stats_unavailable naming the file and STATS_FILE', async () => {
    const file = path.join(folder, 'missing.json');
    const failure = createJsonFileStatsSource(file).keys();
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ code: 'stats_unavailable' });
    await expect(failure).rejects.toThrow(
      new RegExp(`${file.replace(/[.\\]/g, '\\$&')} does not exist; set STATS_FILE`),
    );
  });

  test('when a statistic has no value, then the source rejects naming the bad key', async () => {
    const file = path.join(folder, 'bad.json');
    await writeFile(file, JSON.stringify({ share: { description: 'no value here' } }));
    await expect(createJsonFileStatsSource(file).get('share')).rejects.toThrow(/is invalid \(share\.value: /);
  });

  test('when the file is not JSON, then the source says so', async () => {
    const file = path.join(folder, 'broken.json');
    await writeFile(file, '{ "share": ');
    await expect(createJsonFileStatsSource(file).keys()).rejects.toThrow(/is not valid JSON/);
  });

  test('when the file changes after the first read, then the cached figures are served', async () => {
    const file = path.join(folder, 'stats.json');
    await writeFile(file, JSON.stringify({ share: { value: 1, description: 'first' } }));
    const source = createJsonFileStatsSource(file);
    expect(await source.get('share')).toEqual({ value: 1, description: 'first' });
    await writeFile(file, JSON.stringify({ share: { value: 2, description: 'second' } }));
    expect(await source.get('share')).toEqual({ value: 1, description: 'first' });
  });

  test('when a missing file appears later, then the next call reads it', async () => {
    const file = path.join(folder, 'late.json');
    const source = createJsonFileStatsSource(file);
    await expect(source.keys()).rejects.toThrow(/does not exist/);
    await writeFile(file, JSON.stringify({ share: { value: 0.5, unit: 'share', description: 'late' } }));
    expect(await source.keys()).toEqual(['share']);
  });
});
