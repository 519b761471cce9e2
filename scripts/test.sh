#!/usr/bin/env bash
# npm test: type check, lint, unit tests, browser tests; then one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results

echo "== type check"; npx tsc -b
echo "== lint"; npx eslint .
echo "== unit tests"; npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json
echo "== browser tests"; npm run --silent test:e2e
node scripts/summarize-tests.js test-results/unit.json test-results/e2e.json
