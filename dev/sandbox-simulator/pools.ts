/** A code interpreter session pool as the simulator serves it. */
export interface PoolDefinition {
  /** As in Azure: 3-63 lowercase letters and digits, starting with a letter. */
  readonly name: string;
  readonly containerType: 'PythonLTS' | 'NodeLTS';
  readonly network: 'EgressDisabled' | 'EgressEnabled';
}

/** One pool per language and egress setting, like the Bicep with egress pools enabled. */
export const defaultPools: readonly PoolDefinition[] = [
  { name: 'pythonpool', containerType: 'PythonLTS', network: 'EgressDisabled' },
  { name: 'pythonegress', containerType: 'PythonLTS', network: 'EgressEnabled' },
  { name: 'nodepool', containerType: 'NodeLTS', network: 'EgressDisabled' },
  { name: 'nodeegress', containerType: 'NodeLTS', network: 'EgressEnabled' },
];

/** The fixed subscription and resource group of every simulated pool's management endpoint path. */
export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const RESOURCE_GROUP = 'rg-local';

export const poolPath = (name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/sessionPools/${name}`;

/** api-versions of the `executions` / `files` contract (the older `code/execute` one is not served). */
export const supportedApiVersions: ReadonlySet<string> = new Set([
  '2024-10-02-preview',
  '2025-02-02-preview',
  '2025-10-02-preview',
]);

/** The identifier query parameter, as the data-plane spec defines it. */
export const IDENTIFIER = /^[a-zA-Z0-9_|}{[\]:";'<>?/.,@#$%^&*()\-+=!~`]{4,128}$/;
