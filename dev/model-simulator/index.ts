export type { ModelSimulator, ModelSimulatorOptions, ModelSimulatorStats, ScriptedResponse } from './options';
export { startModelSimulator } from './server';
