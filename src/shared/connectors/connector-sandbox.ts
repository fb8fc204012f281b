import type { ConnectorLanguage, NetworkMode } from './connector-language';
import type { Dependency } from './dependencies';

/** Everything one sandboxed run needs; already validated and capped by the service. */
export interface SandboxRun {
  readonly language: ConnectorLanguage;
  /** Relative path -> UTF-8 content. */
  readonly files: Readonly<Record<string, string>>;
  readonly entryPoint: string;
  readonly dependencies: readonly Dependency[];
  /** The only variables the connector's process gets, besides PATH, HOME, LANG and CONNECTOR_CONTEXT_FILE. */
  readonly env: Readonly<Record<string, string>>;
  /** `{ connector: <definition> }`, given to the code on stdin and in the CONNECTOR_CONTEXT_FILE file. */
  readonly context: unknown;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly installTimeoutMs: number;
  /** Bytes kept of stdout and of stderr each; writing more stops the connector. */
  readonly maxOutputBytes: number;
  readonly network: NetworkMode;
}

/** What a run did, before redaction and result parsing. */
export interface SandboxOutcome {
  /** Present when the run had dependencies: whether they were installed (or already there), and how. */
  readonly install?: { readonly ok: boolean; readonly message: string };
  readonly stdout: string;
  readonly stderr: string;
  /** null when the connector did not exit by itself (killed, or never started). */
  readonly exitCode: number | null;
  readonly signal?: string | null;
  readonly timedOut: boolean;
  /** The stream that went over maxOutputBytes, which stopped the connector. */
  readonly outputExceeded?: 'stdout' | 'stderr';
  readonly durationMs: number;
}

/**
 * Runs connector code somewhere it cannot harm the app: Azure Container Apps dynamic sessions in
 * Azure, the local sandbox simulator in development (same adapter, same API).
 *
 * @example
 * const outcome = await sandbox.execute(run);
 * outcome.timedOut; // true when the connector ran past run.timeoutMs and was killed
 */
export interface ConnectorSandbox {
  execute(run: SandboxRun): Promise<SandboxOutcome>;
}
