import * as z from 'zod';

import { defineTool, type Tool } from '../chat/tool';
import { UpstreamError } from '../errors';
import type { StatsSource } from './stats-source';

const DESCRIPTION =
  'Looks up one summary statistic of the airline passenger satisfaction survey by key, e.g. ' +
  'satisfied_share or average_departure_delay_minutes. An unknown key returns error "unknown_stat" with ' +
  'the known keys; pass a note in the result on to the user (e.g. that the figures are sample data).';

const getStatInput = z.strictObject({
  key: z.string().trim().min(1).max(100).describe('The statistic key, e.g. satisfied_share'),
});

/**
 * The `get_stat` chat tool. The known keys are not in the schema (they are read from the file on first
 * use), so an unknown key is answered with the list instead.
 *
 * @example
 * const tool = createGetStatTool(createJsonFileStatsSource(defaultStatsFile()));
 * await tool.run({ key: 'satisfied_share' }, context); // { key: 'satisfied_share', value: 0.43, unit: 'share', ... }
 */
export function createGetStatTool(source: StatsSource): Tool<typeof getStatInput> {
  return defineTool({
    name: 'get_stat',
    description: DESCRIPTION,
    input: getStatInput,
    run: async ({ key }) => {
      try {
        // Models often write "Satisfied share" for satisfied_share.
        const candidates = [key, key.toLowerCase().replace(/[\s-]+/g, '_')];
        for (const candidate of candidates) {
          const stat = await source.get(candidate);
          if (stat !== undefined) return { key: candidate, ...stat };
        }
        return { error: 'unknown_stat', key, knownKeys: await source.keys() };
      } catch (error) {
        if (error instanceof UpstreamError && error.code === 'stats_unavailable') {
          return { error: 'stats_unavailable', message: error.message };
        }
        throw error;
      }
    },
  });
}
