import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';

import { chatTurn, deepHealth, health, streamedTurn } from './app-checks';
import type { Check, CheckResult, SmokeOptions } from './check';
import { corsRefusesOrigin, forgedPrincipalRefused } from './guard-checks';

/** In this order: health first, since the others need a started app. */
const CHECKS: readonly (readonly [name: string, check: Check])[] = [
  ['health', health],
  ['deep health', deepHealth],
  ['chat', chatTurn],
  ['streamed chat', streamedTurn],
  ['forged principal', forgedPrincipalRefused],
  ['CORS', corsRefusesOrigin],
];

const httpUrl = (text: string) => {
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(text);
  if (!parsed.success) throw new InvalidArgumentError('must be an http(s) URL');
  return new URL(parsed.data);
};
const seconds = (text: string) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a number of seconds');
  return value;
};

const optionsSchema = z.object({
  url: z.instanceof(URL),
  token: z.string().regex(/^\S+$/, 'must be a token without spaces').optional(),
  forbiddenOrigin: z.string(),
  allowedOrigin: z.string().optional(),
  wait: z.number(),
  timeout: z.number(),
});

/** Runs every check, one after the other; a check that throws fails with its message. */
async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [name, check] of CHECKS) {
    try {
      results.push({ name, ...(await check(options)) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ name, outcome: 'failed', detail: message });
    }
    if (results[0]?.outcome === 'failed') break;
  }
  return results;
}

async function main(): Promise<void> {
  const program = new Command('smoke')
    .description('Checks a deployed chat backend end to end: health, chat, streaming, caller checks, CORS.')
    .requiredOption('--url <url>', 'the app, e.g. https://func-abc.azurewebsites.net', httpUrl)
    .addOption(
      new Option(
        '--token <bearer>',
        "a caller's Microsoft Entra access token for the API (an admin's for deep health)",
      ).env('SMOKE_TOKEN'),
    )
    .option('--forbidden-origin <origin>', 'an origin CORS must refuse', 'https://smoke-test.invalid')
    .option('--allowed-origin <origin>', 'an origin CORS must allow (CORS_ALLOWED_ORIGINS)')
    .option('--wait <seconds>', 'how long health may take to come up', seconds, 120)
    .option('--timeout <seconds>', 'per request', seconds, 60)
    .parse();
  const parsed = optionsSchema.parse(program.opts());
  const options: SmokeOptions = {
    baseUrl: parsed.url,
    ...(parsed.token === undefined ? {} : { token: parsed.token }),
    forbiddenOrigin: parsed.forbiddenOrigin,
    ...(parsed.allowedOrigin === undefined ? {} : { allowedOrigin: parsed.allowedOrigin }),
    waitMs: parsed.wait * 1000,
    timeoutMs: parsed.timeout * 1000,
  };
  process.stdout.write(
    `smoke test of ${parsed.url.origin}${parsed.token === undefined ? ' (no token)' : ''}\n`,
  );
  const results = await runSmoke(options);
  const width = Math.max(...results.map((result) => result.name.length));
  for (const result of results) {
    process.stdout.write(`  ${result.outcome.padEnd(7)}  ${result.name.padEnd(width)}  ${result.detail}\n`);
  }
  const count = (outcome: CheckResult['outcome']) =>
    results.filter((result) => result.outcome === outcome).length;
  process.stdout.write(`${count('passed')} passed, ${count('skipped')} skipped, ${count('failed')} failed\n`);
  if (count('failed') > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
