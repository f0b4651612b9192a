// Prints the closing lines of `npm test`: every failed test or scenario with the first line of
// its failure (CI often shows only the tail of the log), then "N passed, N failed" over the
// vitest projects' JSON results and the scenario reports, counting failed steps that produced
// no results as failures.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: {
    name: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

const [dir = 'reports/test', failedSteps = '0'] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const lines: string[] = [];
const firstLine = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .find((l) => l.trim())
    ?.slice(0, 300) ?? '';

for (const name of ['unit.json', 'integration.json', 'coverage.json']) {
  const path = join(dir, name);
  if (!existsSync(path)) continue;
  const result = JSON.parse(readFileSync(path, 'utf8')) as VitestJson;
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  for (const file of result.testResults ?? []) {
    const short = file.name.replace(/^.*?\/(test|harness|src|scenarios|bench)\//, '$1/');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests)
      lines.push(`✗ ${short} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    // A file that failed to load has no failed test of its own, only a message.
    if (failedTests.length === 0 && file.message) lines.push(`✗ ${short}: ${firstLine(file.message)}`);
  }
}
for (const entry of readdirSync(dir).filter((d) => d.startsWith('scenarios-'))) {
  const path = join(dir, entry, 'report.json');
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    scenarios: {
      scenario: string;
      status: string;
      verdicts?: { check: string; status: string; summary?: string }[];
    }[];
  };
  for (const s of report.scenarios) {
    if (s.status === 'pass') {
      passed++;
      continue;
    }
    failed++;
    const bad = (s.verdicts ?? []).filter((v) => v.status !== 'pass');
    lines.push(
      `✗ ${entry} › ${s.scenario} (${s.status}): ${bad.map((v) => `${v.check}: ${firstLine(v.summary)}`).join(' | ')}`,
    );
  }
}
// A step that failed without a failing test (typecheck, lint, a crash) must still show.
if (failed === 0 && Number(failedSteps) > 0) failed = Number(failedSteps);
for (const line of lines) process.stdout.write(`${line}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
