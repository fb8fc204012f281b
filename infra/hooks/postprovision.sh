#!/bin/sh
# azd postprovision hook (posix): writes local.settings.json from `azd env get-values`.
set -eu
node ./infra/hooks/write-local-settings.mjs
