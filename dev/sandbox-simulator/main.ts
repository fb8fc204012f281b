import { z } from 'zod';

import { startSandboxSimulator } from './index';

// Local tooling reads its own environment; the app's settings table is for the app.
const environment = z
  .object({
    SIM_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(7_074),
    SIM_SANDBOX_TOKEN: z.string().min(1).optional(),
    SIM_SANDBOX_PYTHON: z.string().min(1).optional(),
  })
  .parse({
    SIM_SANDBOX_PORT: process.env.SIM_SANDBOX_PORT || undefined,
    SIM_SANDBOX_TOKEN: process.env.SIM_SANDBOX_TOKEN || undefined,
    SIM_SANDBOX_PYTHON: process.env.SIM_SANDBOX_PYTHON || undefined,
  });

async function main(): Promise<void> {
  const simulator = await startSandboxSimulator({
    port: environment.SIM_SANDBOX_PORT,
    ...(environment.SIM_SANDBOX_TOKEN === undefined ? {} : { token: environment.SIM_SANDBOX_TOKEN }),
    ...(environment.SIM_SANDBOX_PYTHON === undefined ? {} : { python: environment.SIM_SANDBOX_PYTHON }),
  });
  console.log(`sandbox simulator listening on ${simulator.url}`);
  for (const pool of simulator.pools) {
    console.log(`  ${pool.name} (${pool.containerType}, ${pool.network}): ${simulator.endpoint(pool.name)}`);
  }
  if (simulator.isolationProblem !== undefined)
    console.log(`  cannot run code: ${simulator.isolationProblem}`);
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
