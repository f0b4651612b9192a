// Prints the closing line of `npm test`: "N passed, N failed" over the vitest projects' JSON
// results and the scenario reports, counting failed steps that produced no results as failures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir = 'reports/test', failedSteps = '0'] = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const name of ['unit.json', 'integration.json', 'coverage.json']) {
  const path = join(dir, name);
  if (!existsSync(path)) continue;
  const result = JSON.parse(readFileSync(path, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  passed += result.numPassedTests;
  failed += result.numFailedTests;
}
for (const entry of readdirSync(dir).filter((d) => d.startsWith('scenarios-'))) {
  const path = join(dir, entry, 'report.json');
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, 'utf8')) as { scenarios: { status: string }[] };
  for (const s of report.scenarios) s.status === 'pass' ? passed++ : failed++;
}
// A step that failed without a failing test (typecheck, lint, a crash) must still show.
if (failed === 0 && Number(failedSteps) > 0) failed = Number(failedSteps);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
