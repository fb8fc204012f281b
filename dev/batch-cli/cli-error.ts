/**
 * A failure the user can act on (a missing file, bad JSON, an unreachable server, an API error): printed as
 * its message alone, never with a stack trace.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** A connection failure, a timeout or a 5xx: waiting may poll again instead of giving up. */
    readonly transient = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
