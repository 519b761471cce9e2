// Prints one "N passed, N failed" line over the unit (Vitest) and browser (Playwright) JSON reports.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const [unitReport, e2eReport] = process.argv.slice(2);

const unit = JSON.parse(readFileSync(unitReport, 'utf8'));
passed += unit.numPassedTests;
failed += unit.numFailedTests;
skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);

const e2e = JSON.parse(readFileSync(e2eReport, 'utf8'));
passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
failed += e2e.stats.unexpected;
skipped += e2e.stats.skipped;

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
