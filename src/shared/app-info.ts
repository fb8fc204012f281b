import packageJson from '../../package.json';

/** Name and version reported by /api/health, from package.json. */
export const appInfo = { service: packageJson.name, version: packageJson.version } as const;
