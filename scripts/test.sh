#!/usr/bin/env bash
# npm test: type check, lint, format check, unit tests, browser tests; then one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p reports

echo "== type check"; npx tsc -b
echo "== lint"; npx eslint .
echo "== format"; npx prettier --check .
bash scripts/ensure-postgres.sh
bash scripts/ensure-redis.sh
bash scripts/ensure-haproxy.sh
echo "== unit tests"; npx vitest run --reporter=default --reporter=json --outputFile.json=reports/unit.json
echo "== browser tests"; npm run --silent test:e2e
node scripts/summarize-tests.js reports/unit.json reports/e2e.json
