import {
  isShapeRejection,
  scoringUriHint,
  statusHint,
  toSafeText,
} from '../../../src/shared/scoring/scoring-diagnostics';

describe('scoringUriHint', () => {
  test.each([
    'https://my-aoai.openai.azure.com/openai/deployments/gpt/chat/completions',
    'https://my-aoai.openai.azure.com/score',
    'https://my-ai.cognitiveservices.azure.com/score',
  ])(
    'when the URI is an Azure OpenAI URL (%s), then the hint says so and points at the Consume tab',
    (uri) => {
      const hint = scoringUriHint(uri);
      expect(hint).toMatch(/this is an Azure OpenAI URL/);
      expect(hint).toMatch(/Consume tab, https:\/\/<endpoint>\.<region>\.inference\.ml\.azure\.com\/score/);
    },
  );

  test('when the URI does not end in /score, then the hint says it must', () => {
    expect(scoringUriHint('https://churn.westeurope.inference.ml.azure.com')).toMatch(
      /does not end in \/score/,
    );
  });

  test('when the URI is not a URL, then the hint says so', () => {
    expect(scoringUriHint('churn-endpoint')).toMatch(/not a URL/);
  });

  test.each(['https://churn.westeurope.inference.ml.azure.com/score', 'http://127.0.0.1:7073/score'])(
    'when the URI is a scoring URL (%s), then there is no hint',
    (uri) => {
      expect(scoringUriHint(uri)).toBeUndefined();
    },
  );
});

describe('statusHint', () => {
  test.each([
    [401, /AML_API_KEY.*role on the endpoint/],
    [404, /no deployment with traffic; check AML_DEPLOYMENT/],
    [429, /too many pending requests/],
    [503, /unavailable/],
  ])('when the endpoint answers %i, then the hint names the likely cause', (status, expected) => {
    expect(statusHint(status, new Headers())).toMatch(expected);
  });

  test('when the endpoint answers 424, then the hint names the container error reason and status', () => {
    const headers = new Headers({
      'ms-azureml-model-error-reason': 'model_error',
      'ms-azureml-model-error-statuscode': '500',
    });
    expect(statusHint(424, headers)).toMatch(/reason: model_error, container status: 500/);
  });
});

describe('isShapeRejection', () => {
  const input = "A value is not provided for the 'input_data' parameter.";
  test('when a 424 names the input parameter, then it is a shape rejection', () => {
    expect(isShapeRejection(424, new Headers(), JSON.stringify({ message: input }))).toBe(true);
  });

  test('when a 424 reports another container failure, then it is not', () => {
    expect(isShapeRejection(424, new Headers(), '{"message":"Worker died: out of memory"}')).toBe(false);
  });

  test('when the endpoint answers 400, then it is; when 401, then it is not', () => {
    expect(isShapeRejection(400, new Headers(), '')).toBe(true);
    expect(isShapeRejection(401, new Headers(), input)).toBe(false);
  });
});

describe('toSafeText', () => {
  test('when a reply echoes the key or a bearer token, then they are masked', () => {
    const text = toSafeText('key=secret-key-123 header=Bearer eyJhbGciOiJIUzI1NiJ9.payload', [
      'secret-key-123',
    ]);
    expect(text).not.toContain('secret-key-123');
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
  });

  test('when a reply is long, then it is cut to 2,000 characters', () => {
    expect(toSafeText('x'.repeat(5_000), [])).toHaveLength(2_003);
  });
});
