import { z } from 'zod';

import { payloadShapes } from '../../src/shared/scoring/payload-shapes';
import { startScoringSimulator } from './index';

// Local tooling reads its own environment; the app's settings table is for the app.
const environment = z
  .object({
    SIM_SCORING_PORT: z.coerce.number().int().min(0).max(65_535).default(7_073),
    SIM_SCORING_API_KEY: z.string().min(1).optional(),
    SIM_SCORING_ACCEPT_SHAPE: z.enum(payloadShapes).default('mlflow-split'),
  })
  .parse({
    SIM_SCORING_PORT: process.env.SIM_SCORING_PORT || undefined,
    SIM_SCORING_API_KEY: process.env.SIM_SCORING_API_KEY || undefined,
    SIM_SCORING_ACCEPT_SHAPE: process.env.SIM_SCORING_ACCEPT_SHAPE || undefined,
  });

async function main(): Promise<void> {
  const simulator = await startScoringSimulator({
    port: environment.SIM_SCORING_PORT,
    acceptShape: environment.SIM_SCORING_ACCEPT_SHAPE,
    ...(environment.SIM_SCORING_API_KEY === undefined ? {} : { apiKey: environment.SIM_SCORING_API_KEY }),
  });
  console.log(`scoring simulator listening on ${simulator.url}`);
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
