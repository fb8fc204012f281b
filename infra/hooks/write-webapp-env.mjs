// Writes webapp/.env.production.local from the azd environment before azd builds the web app, so the
// static files call the provisioned function app and sign users in with the app registration of
// WEBAPP_ENTRA_CLIENT_ID (see infra/README.md). azd gives hooks the environment's values as variables;
// the Bicep outputs them (WEBAPP_*). Nothing secret is written: these values end up in public files.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (name) => (process.env[name] ?? '').trim();
const values = {
  VITE_API_BASE_URL: read('WEBAPP_API_BASE_URL'),
  VITE_ENTRA_CLIENT_ID: read('WEBAPP_ENTRA_CLIENT_ID'),
  VITE_ENTRA_TENANT_ID: read('WEBAPP_ENTRA_TENANT_ID'),
  VITE_API_SCOPE: read('WEBAPP_API_SCOPE'),
};

const problems = [];
if (!/^https:\/\//.test(values.VITE_API_BASE_URL))
  problems.push('WEBAPP_API_BASE_URL is not set: run azd provision first (it outputs the function app URL).');
if (
  values.VITE_ENTRA_CLIENT_ID !== '' &&
  (values.VITE_API_SCOPE === '' || values.VITE_ENTRA_TENANT_ID === '')
)
  problems.push(
    'WEBAPP_ENTRA_CLIENT_ID is set but WEBAPP_API_SCOPE or the tenant is not: azd env set WEBAPP_API_SCOPE api://<client id>/access_as_user',
  );
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}

const file =
  read('WEBAPP_ENV_FILE') || fileURLToPath(new URL('../../webapp/.env.production.local', import.meta.url));
writeFileSync(
  file,
  `${Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n')}\n`,
);
process.stdout.write(
  `web app: API ${values.VITE_API_BASE_URL}, ${values.VITE_ENTRA_CLIENT_ID === '' ? 'no sign-in' : 'Microsoft Entra sign-in'}\n`,
);
