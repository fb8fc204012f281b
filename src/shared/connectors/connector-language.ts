/** The languages a connector may be written in; each runs in its own session pool. */
export const connectorLanguages = ['python', 'javascript'] as const;
export type ConnectorLanguage = (typeof connectorLanguages)[number];

/** What `runtime.entryPoint` may end with, per language. */
export const entryPointExtensions: Readonly<Record<ConnectorLanguage, readonly string[]>> = {
  python: ['.py'],
  javascript: ['.js', '.mjs', '.cjs'],
};

export const networkModes = ['none', 'bridge'] as const;
export type NetworkMode = (typeof networkModes)[number];
