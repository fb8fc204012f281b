# azd postprovision hook (Windows): writes local.settings.json from `azd env get-values`.
$ErrorActionPreference = 'Stop'
node ./infra/hooks/write-local-settings.mjs
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
