export interface HealthProbe {
  readonly name: string;
  check(signal: AbortSignal): Promise<void>;
}

export interface CheckResult {
  readonly status: 'healthy' | 'unhealthy';
  readonly latencyMs: number;
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'healthy' | 'unhealthy';
  readonly service: string;
  readonly version: string;
  readonly checks?: Readonly<Record<string, CheckResult>>;
}

export interface HealthService {
  /** Shallow: the app is up. Deep: each dependency answers within the timeout. */
  check(deep: boolean): Promise<HealthReport>;
}

export function createHealthService(options: {
  service: string;
  version: string;
  probes: () => readonly HealthProbe[];
  timeoutMs: number;
  redact: (text: string) => string;
}): HealthService {
  const run = async (probe: HealthProbe): Promise<[string, CheckResult]> => {
    const started = performance.now();
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      await Promise.race([
        probe.check(signal),
        new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => {
            reject(new Error(`no answer within ${options.timeoutMs} ms`));
          });
        }),
      ]);
      return [probe.name, { status: 'healthy', latencyMs: Math.round(performance.now() - started) }];
    } catch (thrown) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      return [
        probe.name,
        {
          status: 'unhealthy',
          latencyMs: Math.round(performance.now() - started),
          error: options.redact(message.split('\n')[0] ?? '').slice(0, 300),
        },
      ];
    }
  };
  return {
    async check(deep) {
      const base = { service: options.service, version: options.version };
      if (!deep) return { status: 'healthy', ...base };
      const checks = Object.fromEntries(await Promise.all(options.probes().map(run)));
      const healthy = Object.values(checks).every((check) => check.status === 'healthy');
      return { status: healthy ? 'healthy' : 'unhealthy', ...base, checks };
    },
  };
}
