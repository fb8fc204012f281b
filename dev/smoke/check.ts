import type { Target } from './http';

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface Finding {
  readonly outcome: Outcome;
  /** What was seen, in a line: figures, a status, the reason for a skip. Never the token. */
  readonly detail: string;
}

export interface SmokeOptions extends Target {
  /** An origin the app must not allow (CORS). */
  readonly forbiddenOrigin: string;
  /** An origin the app must allow, when given. */
  readonly allowedOrigin?: string;
  /** How long health may take to answer 200 (a fresh deployment warming up). */
  readonly waitMs: number;
}

export interface CheckResult extends Finding {
  readonly name: string;
}

export type Check = (options: SmokeOptions) => Promise<Finding>;

export const passed = (detail: string): Finding => ({ outcome: 'passed', detail });
export const failed = (detail: string): Finding => ({ outcome: 'failed', detail });
export const skipped = (detail: string): Finding => ({ outcome: 'skipped', detail });
