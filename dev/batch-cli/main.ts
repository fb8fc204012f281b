import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';

import { CliError } from './cli-error';
import { DEFAULT_URL, results, status, submit, type Terminal } from './commands';

// Local tooling: commander's option values are parsed here like any other input.
const connectionSchema = z.object({
  url: z.string(),
  token: z.string().min(1).optional(),
  timeout: z.number(),
});
const submitSchema = connectionSchema.extend({
  schema: z.string(),
  instructions: z.string().optional(),
  name: z.string().optional(),
  wait: z.boolean().default(false),
  out: z.string(),
  idempotencyKey: z.string().optional(),
  maxRows: z.number(),
});
const resultsSchema = connectionSchema.extend({
  out: z.string().optional(),
  json: z.boolean().default(false),
  maxRows: z.number(),
});
const statusSchema = connectionSchema.extend({ json: z.boolean().default(false) });

const terminal: Terminal = {
  print: (text) => process.stdout.write(`${text}\n`),
  warn: (text) => process.stderr.write(`${text}\n`),
  // Not a terminal (a pipe, a file): a width that suits a log.
  width: process.stdout.isTTY ? process.stdout.columns : 120,
  color: process.stdout.isTTY,
  progress: process.stderr,
};

const positiveNumber = (text: string) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('must be a positive number');
  return value;
};
const wholeNumber = (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InvalidArgumentError('must be 0 or a positive integer');
  return value;
};

/** --url, --token and --timeout, on every command. */
function withConnection(command: Command): Command {
  return command
    .addOption(new Option('--url <url>', "the app's base URL").env('BATCH_API_URL').default(DEFAULT_URL))
    .addOption(
      new Option(
        '--token <bearer>',
        'sent as Authorization: Bearer (an app deployed with AUTH_MODE=jwt)',
      ).env('BATCH_API_TOKEN'),
    )
    .addOption(
      new Option('--timeout <seconds>', 'give up on a request after this long')
        .argParser(positiveNumber)
        .default(30),
    );
}

const maxRowsOption = () =>
  new Option('--max-rows <n>', 'table rows to print (0: all)').argParser(wholeNumber).default(200);

const program = new Command()
  .name('npm run batch --')
  .description('Batch jobs of the LLM chat backend: structured extraction, one JSON Schema for every item.')
  .showHelpAfterError('(add --help for usage)');

withConnection(
  program
    .command('submit')
    .description(
      'submit the items of a JSON array or JSON Lines file; with --wait, follow it and save the results',
    )
    .argument('<items>', 'items.json (an array) or items.jsonl (one item a line): strings or objects')
    .requiredOption('--schema <file>', 'the JSON Schema of one output object')
    .option('--instructions <text>', 'added to the system prompt of every item')
    .option('--name <name>', 'a name for the job, shown by status')
    .option('--wait', 'show a progress bar until the job completes, then print and save the results')
    .option('--out <file>', 'with --wait: where to save the results', 'structured_responses.json')
    .option(
      '--idempotency-key <key>',
      'default: a hash of the contents, so a repeated submit finds the same job',
    )
    .addOption(maxRowsOption()),
).action(async (file: string, options: unknown) => {
  const parsed = submitSchema.parse(options);
  process.exitCode = await submit(file, { ...parsed, timeoutSeconds: parsed.timeout }, terminal);
});

withConnection(
  program
    .command('status')
    .description("a job's progress")
    .argument('<jobId>')
    .option('--json', 'print the status as JSON'),
).action(async (jobId: string, options: unknown) => {
  const parsed = statusSchema.parse(options);
  process.exitCode = await status(jobId, { ...parsed, timeoutSeconds: parsed.timeout }, terminal);
});

withConnection(
  program
    .command('results')
    .description("a job's finished items, in index order")
    .argument('<jobId>')
    .option('--out <file>', 'also save them to this file')
    .option('--json', 'print them as JSON instead of a table')
    .addOption(maxRowsOption()),
).action(async (jobId: string, options: unknown) => {
  const parsed = resultsSchema.parse(options);
  process.exitCode = await results(jobId, { ...parsed, timeoutSeconds: parsed.timeout }, terminal);
});

program.parseAsync().catch((error: unknown) => {
  // A CliError is a message the user can act on; anything else is a bug, and its stack helps to fix it.
  process.stderr.write(
    error instanceof CliError
      ? `error: ${error.message}\n`
      : `error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
