import type { FunctionDefinition } from '../shared/hosting/function-definition';
import { configInfoGet } from './config-info-get';
import { healthGet } from './health-get';

/** The one table of functions. `src/index.ts` registers each with `app`; nothing else does. */
export const functionDefinitions: readonly FunctionDefinition[] = [healthGet, configInfoGet];
