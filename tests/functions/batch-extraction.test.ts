import { waitFor } from '../../dev/stack/ports';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

/** Batch extraction on today's models: strict structured outputs when the schema allows, both profiles. */
const COMPANY = {
  type: 'object',
  properties: {
    company_name: { type: 'string' },
    stock_symbol: { type: 'string' },
    ceo: {
      type: 'object',
      properties: { name: { type: 'string' }, since: { type: 'integer' } },
      required: ['name'],
    },
  },
  required: ['company_name', 'stock_symbol', 'ceo'],
};
const WITH_LENGTHS = {
  type: 'object',
  properties: { company_name: { type: 'string', minLength: 1 }, stock_symbol: { type: 'string' } },
  required: ['company_name', 'stock_symbol'],
  additionalProperties: false,
};

interface Status {
  status: string;
  pending: number;
  failed: number;
  succeeded: number;
  extraction: { mode: string; transformations?: string[]; reason?: string };
}
interface Results {
  items: { index: number; output?: Record<string, unknown>; error?: string }[];
}

describe('batch extraction modes through the local host', () => {
  let stack: TestStack;
  let base: string;

  const run = async (items: string[], schema: Record<string, unknown>) => {
    const accepted = await getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items, schema }),
    });
    expect(accepted.status).toBe(202);
    const { jobId } = accepted.body as { jobId: string };
    const status = async () => (await getJson(`${base}/api/batch-jobs/${jobId}`)).body as Status;
    await waitFor(async () => (await status()).pending === 0, 60_000, `job ${jobId}`);
    const results = (await getJson(`${base}/api/batch-jobs/${jobId}/results?pageSize=100`)).body as Results;
    return { status: await status(), items: results.items };
  };
  const simulator = () => {
    if (stack.model === undefined) throw new Error('no model simulator');
    return stack.model;
  };

  beforeAll(async () => {
    stack = await startTestStack({ model: { deployments: ['chat:reasoning', 'legacy:classic'] } });
    base = (await stack.startHost({ AZURE_OPENAI_ALLOWED_DEPLOYMENTS: 'legacy' })).url;
  });
  afterAll(() => stack.stop());

  it('when the schema fits after meaning-preserving changes, then the job runs strict, says what changed, and every output fits the schema', async () => {
    const before = simulator().recentRequests().length;
    const { status, items } = await run(
      ['Contoso has stock symbol: CTS, CEO name: Jane', 'Fabrikam has stock symbol: FAB, CEO name: John'],
      COMPANY,
    );

    expect(status).toMatchObject({ status: 'completed', succeeded: 2 });
    expect(status.extraction).toEqual({
      mode: 'strict',
      transformations: [
        'additionalProperties: false set on (root), ceo',
        'optional properties made required and nullable, their nulls removed from the output: ceo.since',
      ],
    });
    expect(items.map((item) => item.output?.stock_symbol)).toEqual(['CTS', 'FAB']);
    const tool = simulator().recentRequests().slice(before)[0]?.tools?.[0];
    expect(tool?.function).toMatchObject({
      name: 'record_output',
      strict: true,
      parameters: { additionalProperties: false, required: ['company_name', 'stock_symbol', 'ceo'] },
    });
  });

  it('when the schema uses a keyword outside the strict subset, then the job runs validated, naming it, and an off-schema answer fails after a re-ask', async () => {
    const { status, items } = await run(
      ['Contoso has stock symbol: CTS', 'Fabrikam [sim:invalid-args] has stock symbol: FAB'],
      WITH_LENGTHS,
    );

    expect(status.extraction).toEqual({
      mode: 'validated',
      reason: "'minLength' at company_name is outside the structured-outputs subset",
    });
    expect(items[0]?.output).toMatchObject({ stock_symbol: 'CTS' });
    expect(items[1]?.error).toContain('did not match the schema after 2 attempts');
  });

  it('when an item is cut short by the token budget or stopped by the content filter, then it fails with that reason', async () => {
    const { status, items } = await run(
      [
        'Contoso has stock symbol: CTS, CEO name: Jane',
        'Thinks forever [sim:reasoning-tokens:100000] stock symbol X',
        'Something filtered [sim:output-filter] stock symbol Y',
      ],
      COMPANY,
    );

    expect(status).toMatchObject({ status: 'completed_with_errors', succeeded: 1, failed: 2 });
    expect(items[1]?.error).toMatch(
      /^the model's answer was cut short by the token budget \(2048 tokens, 2048 of them on reasoning/,
    );
    expect(items[2]?.error).toBe(
      'content_filtered: the output was stopped by the Azure OpenAI content filter (category: violence)',
    );
  });

  it('when the deployment is classic (needs the classic profile), then a strict job runs the same', async () => {
    await stack.host().stop();
    base = (await stack.startHost({ AZURE_OPENAI_DEPLOYMENT: 'legacy' })).url;
    const { status, items } = await run(['Contoso has stock symbol: CTS, CEO name: Jane'], COMPANY);

    expect(status).toMatchObject({ status: 'completed', extraction: { mode: 'strict' } });
    expect(items[0]?.output).toMatchObject({
      company_name: expect.any(String) as unknown,
      stock_symbol: 'CTS',
    });
  });
});
