import { CircuitBreaker, CircuitOpenError } from '../../../src/shared/model/circuit-breaker';

const down = () => Promise.reject(new Error('connection reset'));
const up = () => Promise.resolve('answer');
const verdict = () => 'failure' as const;

describe('CircuitBreaker', () => {
  let now = 1_000_000;
  const breaker = () => new CircuitBreaker('chat', { failureThreshold: 3, cooldownMs: 10_000 }, () => now);

  it('when a deployment fails the threshold in a row, then calls fail at once with a 503 and the time left as Retry-After', async () => {
    const circuit = breaker();
    for (let call = 0; call < 3; call++) await expect(circuit.call(down, verdict)).rejects.toThrow('reset');
    expect(circuit.state).toBe('open');
    let attempts = 0;
    now += 4_000;
    const refused = circuit.call(() => {
      attempts += 1;
      return up();
    }, verdict);
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(refused).rejects.toMatchObject({ status: 503, headers: { 'Retry-After': '6' } });
    expect(attempts).toBe(0);
  });

  it('when the cool-down has passed, then one probe goes through while the others still fail fast, and its success closes the circuit', async () => {
    const circuit = breaker();
    for (let call = 0; call < 3; call++) await expect(circuit.call(down, verdict)).rejects.toThrow();
    now += 10_000;
    let finishProbe: (value: string) => void = () => undefined;
    const probe = circuit.call(() => new Promise<string>((resolve) => (finishProbe = resolve)), verdict);
    await expect(circuit.call(up, verdict)).rejects.toBeInstanceOf(CircuitOpenError);
    finishProbe('answer');
    await expect(probe).resolves.toBe('answer');
    expect(circuit.state).toBe('closed');
    await expect(circuit.call(up, verdict)).resolves.toBe('answer');
  });

  it('when the probe fails, then the circuit opens for another cool-down', async () => {
    const circuit = breaker();
    for (let call = 0; call < 3; call++) await expect(circuit.call(down, verdict)).rejects.toThrow();
    now += 10_000;
    await expect(circuit.call(down, verdict)).rejects.toThrow('reset');
    expect(circuit.state).toBe('open');
    now += 9_000;
    await expect(circuit.call(up, verdict)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('when failures are interrupted by a success, or are not the deployment being down, then the circuit stays closed', async () => {
    const circuit = breaker();
    await expect(circuit.call(down, verdict)).rejects.toThrow();
    await expect(circuit.call(down, verdict)).rejects.toThrow();
    await circuit.call(up, verdict);
    await expect(circuit.call(down, verdict)).rejects.toThrow();
    await expect(circuit.call(down, verdict)).rejects.toThrow();
    for (let call = 0; call < 10; call++) await expect(circuit.call(down, () => 'neutral')).rejects.toThrow();
    expect(circuit.state).toBe('closed');
  });
});
