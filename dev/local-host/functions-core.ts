/**
 * A stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker provides to
 * `@azure/functions`. With it installed, `app.http(...)` and `app.storageQueue(...)` register with this
 * local host through the library's own code path, so the host serves exactly what the app registers.
 */
export interface BindingInfo {
  readonly type: string;
  readonly direction?: string;
  readonly name?: string;
  readonly route?: string;
  readonly methods?: readonly string[];
  readonly queueName?: string;
  readonly connection?: string;
  readonly [key: string]: unknown;
}

export interface Registration {
  readonly name: string;
  readonly bindings: Readonly<Record<string, BindingInfo>>;
  readonly handler: (...args: unknown[]) => unknown;
}

export const registrations: Registration[] = [];

type LogFunction = (level: string, category: string, message: string) => void;
let systemLog: LogFunction = () => undefined;

/** Where the library's own system log lines go (warnings about the app's registrations). */
export function setSystemLog(log: LogFunction): void {
  systemLog = log;
}

// The shape of this object mirrors the worker's API surface that @azure/functions calls.
export const coreApi = {
  version: 'local-host',
  registerFunction(
    metadata: { name: string; bindings: Record<string, BindingInfo> },
    handler: Registration['handler'],
  ) {
    if (registrations.some((registration) => registration.name === metadata.name)) {
      throw new Error(`A function named "${metadata.name}" is already registered`);
    }
    registrations.push({ name: metadata.name, bindings: metadata.bindings, handler });
    return { dispose: () => undefined };
  },
  setProgrammingModel: (_model: unknown) => undefined,
  getProgrammingModel: () => undefined,
  registerHook: (_name: string, _callback: unknown) => ({ dispose: () => undefined }),
  log: (level: string, category: string, message: string) => {
    systemLog(level, category, message);
  },
};
