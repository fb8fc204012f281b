import type { FunctionDefinition } from '../shared/hosting/function-definition';
import { chatPost } from './chat-post';
import { chatStreamPost } from './chat-stream-post';
import { completionsPost } from './completions-post';
import { configInfoGet } from './config-info-get';
import { healthGet } from './health-get';
import { createNotFoundFunction } from './not-found';

/** The one table of functions. `src/index.ts` registers each with `app`; nothing else does. */
export const functionDefinitions: readonly FunctionDefinition[] = [
  healthGet,
  configInfoGet,
  chatPost,
  chatStreamPost,
  completionsPost,
  createNotFoundFunction(() => functionDefinitions),
];
