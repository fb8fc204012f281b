import { randomUUID } from 'node:crypto';

import { badRequest, type Reply } from './azure-errors';
import type { Isolation } from './isolation';
import type { PoolDefinition } from './pools';
import { runInSandbox } from './session-process';
import type { Session } from './sessions';

/** Each code execution runs for at most 220 s. */
export const MAX_EXECUTION_SECONDS = 220;
/** The service's default cut of stdout and stderr in an execution result. */
const DEFAULT_OUTPUT_STREAMS_MAX_LENGTH = 4_096;

export interface ExecutionRequest {
  readonly code: string;
  readonly asynchronous: boolean;
  readonly timeoutInSeconds: number;
  readonly outputStreamsMaxLength: number;
}

const byLowerCase = (value: unknown, allowed: readonly string[]): string | undefined =>
  typeof value === 'string' ? allowed.find((item) => item.toLowerCase() === value.toLowerCase()) : undefined;

/** The body of POST /executions, as the spec requires it; a Reply when it does not. */
export function parseExecutionRequest(text: string): ExecutionRequest | Reply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return badRequest('The request body is not valid JSON.', 'InvalidRequestBody');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest('The request body must be a JSON object.', 'InvalidRequestBody');
  }
  const fields = body as Record<string, unknown>;
  const missing = ['codeInputType', 'executionType', 'code', 'timeoutInSeconds'].filter(
    (name) => !(name in fields),
  );
  if (missing.length > 0)
    return badRequest(`Missing required properties: ${missing.join(', ')}.`, 'InvalidRequestBody');
  const inputType = byLowerCase(fields.codeInputType, ['Inline', 'InlineBase64', 'InlineText']);
  if (inputType === undefined)
    return badRequest('codeInputType must be Inline, InlineBase64 or InlineText.', 'InvalidCodeInputType');
  const executionType = byLowerCase(fields.executionType, ['Synchronous', 'Asynchronous']);
  if (executionType === undefined)
    return badRequest('executionType must be Synchronous or Asynchronous.', 'InvalidExecutionType');
  if (typeof fields.code !== 'string') return badRequest('code must be a string.', 'InvalidRequestBody');
  const timeout = fields.timeoutInSeconds;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0) {
    return badRequest('timeoutInSeconds must be a positive integer.', 'InvalidRequestBody');
  }
  const maxLength = fields.outputStreamsMaxLength;
  return {
    code: inputType === 'InlineBase64' ? Buffer.from(fields.code, 'base64').toString('utf8') : fields.code,
    asynchronous: executionType === 'Asynchronous',
    timeoutInSeconds: Math.min(timeout, MAX_EXECUTION_SECONDS),
    outputStreamsMaxLength:
      typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength > 0
        ? maxLength
        : DEFAULT_OUTPUT_STREAMS_MAX_LENGTH,
  };
}

/** A SessionCodeExecutionResource, as GET /executions/{id} and POST /executions answer it. */
export interface ExecutionRecord {
  id: string;
  identifier: string;
  executionType: 'Synchronous' | 'Asynchronous';
  status: 'Running' | 'Succeeded' | 'Failed';
  result?: { stdout: string; stderr: string; executionResult: string; executionTimeInMilliseconds: number };
  error?: { error: { code: string; message: string } };
}

export interface ExecutionContext {
  readonly isolation: Isolation;
  readonly pool: PoolDefinition;
  readonly interpreters: { readonly python: string; readonly node: string };
  readonly sessionMemoryMb: number;
}

/** Runs one execution in the session's sandbox; the record is updated when it ends. */
export function startExecution(
  context: ExecutionContext,
  session: Session,
  request: ExecutionRequest,
): { record: ExecutionRecord; done: Promise<void> } {
  const record: ExecutionRecord = {
    id: randomUUID(),
    identifier: session.identifier,
    executionType: request.asynchronous ? 'Asynchronous' : 'Synchronous',
    status: 'Running',
  };
  const interpreter =
    context.pool.containerType === 'PythonLTS' ? context.interpreters.python : context.interpreters.node;
  const done = runInSandbox({
    isolation: context.isolation,
    sessionDir: session.dir,
    network: context.pool.network === 'EgressEnabled',
    interpreter: [interpreter],
    code: request.code,
    timeoutMs: request.timeoutInSeconds * 1_000,
    limits: { memoryMb: context.sessionMemoryMb, cpuSeconds: request.timeoutInSeconds + 5, fileSizeMb: 256 },
  }).then((outcome) => {
    session.lastAccessedAt = new Date();
    record.result = {
      stdout: outcome.stdout.slice(0, request.outputStreamsMaxLength),
      stderr: outcome.stderr.slice(0, request.outputStreamsMaxLength),
      executionResult: '',
      executionTimeInMilliseconds: outcome.durationMs,
    };
    if (outcome.timedOut) {
      record.status = 'Failed';
      record.error = {
        error: {
          code: 'ExecutionTimeout',
          message: `The execution did not finish in ${request.timeoutInSeconds} seconds.`,
        },
      };
    } else if (outcome.exitCode !== 0) {
      record.status = 'Failed';
      record.error = {
        error: {
          code: 'ExecutionError',
          message: `The code failed (exit code ${String(outcome.exitCode)}).`,
        },
      };
    } else {
      record.status = 'Succeeded';
    }
  });
  return { record, done };
}

export function executionReply(record: ExecutionRecord, location: string, status = 200): Reply {
  return { status, headers: { 'operation-id': record.id, 'operation-location': location }, body: record };
}
