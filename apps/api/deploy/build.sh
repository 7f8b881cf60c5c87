#!/bin/sh
# Production build of the API: one ESM bundle per entry point (dist/main.js, dist/cli.js) with
# every dependency inside, plus the files the bundle reads at run time beside it: the drizzle
# migrations (dist/drizzle) and PGlite's WebAssembly and data files. `node dist/main.js` then
# runs without node_modules. The web UI is built separately (apps/web/dist) and served from
# ../../web/dist relative to the bundle, the same place as from source.
set -eu
cd "$(dirname "$0")/.."

rm -rf dist
# CommonJS dependencies bundled into ESM still call require(); give them one.
esbuild src/main.ts cli=src/cli/main.ts \
  --bundle --platform=node --format=esm --target=node20 --outdir=dist \
  --sourcemap --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __kwRequire } from 'node:module'; const require = __kwRequire(import.meta.url);"

# `bin` in package.json points here.
chmod +x dist/cli.js
cp -R ../../packages/db/drizzle dist/drizzle
pglite=$(cd ../../packages/db && node -p "require('node:path').dirname(require.resolve('@electric-sql/pglite'))")
cp "$pglite/pglite.wasm" "$pglite/initdb.wasm" "$pglite/pglite.data" dist/
echo "built $(pwd)/dist"
