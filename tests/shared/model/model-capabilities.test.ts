import type { ChatModelRequest } from '../../../src/shared/model/chat-model';
import { CapabilityStore, splitModel, traitsOfModel } from '../../../src/shared/model/model-capabilities';
import { toOpenAIBody } from '../../../src/shared/model/openai-messages';
import { learnFrom, type SentParameters } from '../../../src/shared/model/refusals';

const auto = () => new CapabilityStore({ default: 'auto', deployments: {} });
const tool = { name: 'get_stat', description: 'a statistic', parameters: { type: 'object' } };
const request = (extra: Partial<ChatModelRequest> = {}): ChatModelRequest => ({
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  maxTokens: 500,
  ...extra,
});
const sent = (extra: Partial<SentParameters> = {}): SentParameters => ({
  tokenLimit: 'max_completion_tokens',
  temperature: false,
  reasoningEffort: undefined,
  verbosity: false,
  tools: false,
  developerRole: false,
  strictTools: false,
  ...extra,
});

describe('what a model name says', () => {
  it.each([
    ['gpt-5-mini-2025-08-07', { family: 'reasoning', effortWithTools: true }],
    ['gpt-5.1-2025-11-13', { family: 'reasoning', effortWithTools: true }],
    ['gpt-5.4-mini-2026-03-17', { family: 'reasoning', effortWithTools: false }],
    ['gpt-5.6-luna-2026-07-09', { family: 'reasoning', effortWithTools: false }],
    ['gpt-6-sol-2026-09-22', { family: 'reasoning', effortWithTools: false }],
    ['o4-mini-2025-04-16', { family: 'reasoning', effortWithTools: true }],
    ['gpt-4o-mini-2024-07-18', { family: 'classic', effortWithTools: true }],
    ['gpt-35-turbo-0125', { family: 'classic', effortWithTools: true }],
  ])('when Azure reports %s, then its traits are known', (model, traits) => {
    expect(traitsOfModel(model)).toEqual(traits);
  });

  it('when the model is a chat variant or unknown, then nothing is assumed', () => {
    expect(traitsOfModel('gpt-5.2-chat-2025-12-11')).toBeUndefined();
    expect(traitsOfModel('Mistral-Large-3')).toBeUndefined();
  });

  it('when a reported model carries a date, then name and version are split', () => {
    expect(splitModel('gpt-5.4-mini-2026-03-17')).toEqual({ name: 'gpt-5.4-mini', version: '2026-03-17' });
    expect(splitModel('model-router')).toEqual({ name: 'model-router' });
  });
});

describe('the body a deployment gets', () => {
  it("when nothing is known yet, then only what every family takes is sent, and the caller's temperature is tried", () => {
    const { body, ignored } = toOpenAIBody(request({ temperature: 0.2 }), 'chat', auto().get('chat'), 'low');

    expect(body).toMatchObject({ model: 'chat', max_completion_tokens: 500, temperature: 0.2 });
    expect(body).not.toHaveProperty('reasoning_effort');
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(ignored).toEqual([]);
  });

  it('when the deployment reasons, then the system prompt goes as developer, the default effort is sent and temperature is reported, not sent', () => {
    const store = auto();
    store.observeModel('chat', 'gpt-5-mini-2025-08-07');
    const { body, ignored } = toOpenAIBody(
      request({ temperature: 0.2, verbosity: 'low' }),
      'chat',
      store.get('chat'),
      'low',
    );

    expect(body).toMatchObject({ reasoning_effort: 'low', verbosity: 'low', max_completion_tokens: 500 });
    expect(body).not.toHaveProperty('temperature');
    expect(body.messages[0]).toEqual({ role: 'developer', content: 'Be brief.' });
    expect(ignored).toEqual([
      {
        param: 'temperature',
        message: expect.stringContaining('(gpt-5-mini-2025-08-07) takes no temperature'),
      },
    ]);
  });

  it("when a GPT-5.2+ deployment gets tools, then the effort is none and a caller's effort is reported", () => {
    const store = auto();
    store.observeModel('chat', 'gpt-5.4-mini-2026-03-17');
    const withTools = request({ tools: [tool], toolChoice: 'auto', reasoningEffort: 'high' });
    const { body, ignored } = toOpenAIBody(withTools, 'chat', store.get('chat'), 'low');
    const withoutTools = toOpenAIBody(request({ reasoningEffort: 'high' }), 'chat', store.get('chat'), 'low');

    expect(body.reasoning_effort).toBe('none');
    expect(ignored.map((entry) => entry.param)).toEqual(['reasoningEffort']);
    expect(withoutTools.body.reasoning_effort).toBe('high');
  });

  it('when the deployment is classic, then reasoning parameters are reported and sampling is sent', () => {
    const store = new CapabilityStore({ default: 'auto', deployments: { legacy: 'classic' } });
    const { body, ignored } = toOpenAIBody(
      request({ temperature: 0.2, reasoningEffort: 'low', verbosity: 'high' }),
      'legacy',
      store.get('legacy'),
      'low',
    );

    expect(body).toMatchObject({ temperature: 0.2, max_completion_tokens: 500 });
    expect(body).not.toHaveProperty('reasoning_effort');
    expect(ignored.map((entry) => entry.param)).toEqual(['reasoningEffort', 'verbosity']);
  });

  it('when the setting says classic, then a reasoning model name does not change it', () => {
    const store = new CapabilityStore({ default: 'classic', deployments: {} });
    store.observeModel('chat', 'gpt-5.4-mini-2026-03-17');
    expect(store.get('chat')).toMatchObject({ family: 'classic', model: 'gpt-5.4-mini-2026-03-17' });
  });
});

describe('what a refusal teaches', () => {
  const nothing = auto().get('chat');

  it('when max_tokens or max_completion_tokens is refused, then the other name is used', () => {
    expect(
      learnFrom(
        nothing,
        { param: 'max_completion_tokens', code: 'unsupported_parameter', message: '' },
        sent(),
      ),
    ).toMatchObject({ tokenLimit: 'max_tokens' });
    const classic = { ...nothing, tokenLimit: 'max_tokens' as const };
    expect(
      learnFrom(
        classic,
        { param: 'max_tokens', code: 'unsupported_parameter', message: '' },
        sent({ tokenLimit: 'max_tokens' }),
      ),
    ).toMatchObject({ tokenLimit: 'max_completion_tokens' });
  });

  it('when temperature or top_p is refused, then temperature is not sent again and the deployment reasons', () => {
    const learned = learnFrom(
      nothing,
      { param: 'temperature', code: 'unsupported_value', message: '' },
      sent({ temperature: true }),
    );
    expect(learned?.refused.has('temperature')).toBe(true);
    expect(learned?.family).toBe('reasoning');
  });

  it('when the effort is refused with tools, then tool calls carry none; a refused value is dropped; an unknown parameter marks it', () => {
    const tools = sent({ tools: true, reasoningEffort: 'low' });
    const refusedWithTools = learnFrom(
      nothing,
      {
        param: 'reasoning_effort',
        code: undefined,
        message: 'Function tools with reasoning_effort are not supported for gpt-5.4-mini',
      },
      tools,
    );
    const value = learnFrom(
      nothing,
      { param: 'reasoning_effort', code: 'unsupported_value', message: '' },
      sent({ reasoningEffort: 'minimal' }),
    );
    const parameter = learnFrom(
      nothing,
      { param: 'reasoning_effort', code: 'unsupported_parameter', message: '' },
      sent({ reasoningEffort: 'low' }),
    );

    expect(refusedWithTools?.effortWithTools).toBe(false);
    // A model that reasons by default refuses tools though no effort was sent: from then on, none is sent.
    const byDefault = learnFrom(
      nothing,
      {
        param: 'reasoning_effort',
        code: undefined,
        message: 'Function tools with reasoning_effort are not supported',
      },
      sent({ tools: true }),
    );
    if (byDefault === undefined) throw new Error('nothing learned');
    expect(
      toOpenAIBody(request({ tools: [tool], toolChoice: 'auto' }), 'chat', byDefault, 'low').body
        .reasoning_effort,
    ).toBe('none');
    expect([...(value?.refusedEfforts ?? [])]).toEqual(['minimal']);
    expect(parameter).toMatchObject({ family: 'classic' });
    expect(parameter?.refused.has('reasoning_effort')).toBe(true);
  });

  it('when strict functions are refused, then functions go non-strict from then on', () => {
    const learned = learnFrom(
      nothing,
      { param: 'tools[0].function.strict', code: 'unsupported_parameter', message: '' },
      sent({ tools: true, strictTools: true }),
    );
    const strictTool = { ...tool, strict: true };
    if (learned === undefined) throw new Error('nothing learned');
    expect(toOpenAIBody(request({ tools: [strictTool] }), 'chat', learned, 'low').body.tools?.[0]).toEqual({
      type: 'function',
      function: { name: 'get_stat', description: 'a statistic', parameters: { type: 'object' } },
    });
    expect(
      toOpenAIBody(request({ tools: [strictTool] }), 'chat', nothing, 'low').body.tools?.[0],
    ).toMatchObject({
      function: { strict: true },
    });
  });

  it('when a refusal names a parameter the app did not send, or nothing new, then there is nothing to learn', () => {
    expect(
      learnFrom(nothing, { param: 'temperature', code: 'unsupported_value', message: '' }, sent()),
    ).toBeUndefined();
    expect(
      learnFrom(nothing, { param: 'messages', code: 'invalid_value', message: '' }, sent()),
    ).toBeUndefined();
    const once = { ...nothing, refusedEfforts: new Set(['minimal']) };
    expect(
      learnFrom(
        once,
        { param: 'reasoning_effort', code: 'unsupported_value', message: '' },
        sent({ reasoningEffort: 'minimal' }),
      ),
    ).toBeUndefined();
  });
});
