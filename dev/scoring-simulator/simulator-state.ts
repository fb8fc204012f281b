import { z } from 'zod';

import { type PayloadShape, payloadShapes } from '../../src/shared/scoring/payload-shapes';
import type { SeenShape } from './read-payload';

export interface ScoringSimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The endpoint key; when undefined any bearer token is accepted (Entra ID callers). */
  apiKey?: string | undefined;
  /** The one payload shape the model accepts: 'mlflow-split' (default) like an MLflow deployment, others like a custom scoring script. */
  acceptShape?: PayloadShape;
  /** Latency added before every /score reply, in ms. */
  delayMs?: number;
}

/** A reply returned, in order, to the next /score requests, whatever they hold. */
export interface ScriptedReply {
  status: number;
  headers?: Record<string, string> | undefined;
  /** A string is sent as text, anything else as JSON. */
  body?: unknown;
}

export interface SimulatorConfig {
  apiKey: string | undefined;
  acceptShape: PayloadShape;
  delayMs: number;
}

export interface SimulatorState {
  config: SimulatorConfig;
  script: ScriptedReply[];
  requests: number;
  shapes: SeenShape[];
}

export function createState(options: ScoringSimulatorOptions): SimulatorState {
  return {
    config: {
      apiKey: options.apiKey,
      acceptShape: options.acceptShape ?? 'mlflow-split',
      delayMs: options.delayMs ?? 0,
    },
    script: [],
    requests: 0,
    shapes: [],
  };
}

/** Applies the options present in `changes`; an explicit `apiKey: undefined` turns key checking off. */
export function configure(state: SimulatorState, changes: Partial<ScoringSimulatorOptions>): void {
  if ('apiKey' in changes) state.config.apiKey = changes.apiKey;
  if (changes.acceptShape !== undefined) state.config.acceptShape = changes.acceptShape;
  if (changes.delayMs !== undefined) state.config.delayMs = changes.delayMs;
}

export const scriptedReplySchema = z.object({
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});

/** PUT /_simulator/config: `apiKey: null` turns key checking off. */
export const configChangeSchema = z.strictObject({
  apiKey: z.string().min(1).nullable().optional(),
  acceptShape: z.enum(payloadShapes).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
