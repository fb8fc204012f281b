import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ToolContext } from '../../../src/shared/chat/tool';
import { createLogger } from '../../../src/shared/logging/logger';
import { createGetStatTool } from '../../../src/shared/stats/get-stat-tool';
import {
  createJsonFileStatsSource,
  defaultStatsFile,
  type StatsSource,
} from '../../../src/shared/stats/stats-source';

const context: ToolContext = {
  signal: new AbortController().signal,
  log: createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined }),
};
const sampleTool = () => createGetStatTool(createJsonFileStatsSource(defaultStatsFile()));

describe('get_stat tool', () => {
  test('when the key is known, then the value, unit, description and sample-data note come back', async () => {
    const result = await sampleTool().run({ key: 'average_departure_delay_minutes' }, context);
    expect(result).toEqual({
      key: 'average_departure_delay_minutes',
      value: expect.any(Number) as number,
      unit: 'minutes',
      description: expect.stringMatching(/departure delay/) as string,
      note: 'Sample statistics for local development; not real figures',
    });
  });

  test('when the model writes the key in words, then it still finds the statistic', async () => {
    expect(await sampleTool().run({ key: 'Satisfied share' }, context)).toMatchObject({
      key: 'satisfied_share',
    });
  });

  test('when the key is unknown, then the result lists the known keys', async () => {
    const result = await sampleTool().run({ key: 'average_ticket_price' }, context);
    expect(result).toEqual({
      error: 'unknown_stat',
      key: 'average_ticket_price',
      knownKeys: expect.arrayContaining(['satisfied_share', 'passengers_surveyed']) as string[],
    });
  });

  test('when the statistics file is missing, then the result is a clear error instead of a crash', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'get-stat-'));
    try {
      const tool = createGetStatTool(createJsonFileStatsSource(path.join(folder, 'stats.json')));
      const result = await tool.run({ key: 'satisfied_share' }, context);
      expect(result).toEqual({
        error: 'stats_unavailable',
        message: expect.stringMatching(/does not exist; set STATS_FILE/) as string,
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('when the source fails for another reason, then the error is not disguised as missing statistics', async () => {
    const broken: StatsSource = {
      keys: () => Promise.reject(new Error('bug')),
      get: () => Promise.reject(new Error('bug')),
    };
    await expect(createGetStatTool(broken).run({ key: 'satisfied_share' }, context)).rejects.toThrow('bug');
  });

  test.each([[{}], [{ key: '' }], [{ key: 42 }], [{ key: 'x', extra: true }]])(
    'when the arguments are %j, then the input schema rejects them',
    (argumentsGiven) => {
      expect(sampleTool().input.safeParse(argumentsGiven).success).toBe(false);
    },
  );
});
