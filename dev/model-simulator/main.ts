import { readEnvironmentOptions } from './environment-options';
import { startModelSimulator } from './server';

async function main(): Promise<void> {
  const simulator = await startModelSimulator(readEnvironmentOptions(process.env));
  console.log(`model simulator listening on ${simulator.url}`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('model simulator: failed to close', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
