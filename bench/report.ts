// `npm run bench:report`: report.html for a 10-minute run, beside the goals of issue 7
// (acceptance 5: under 5 MB, loaded and drawn in under 2 s in headless Chromium).
//
// A 10-minute scenario's journal is written with the real JournalWriter (bench/report-journal.ts:
// 50 calls/s, six probes every second, four faults), folded by the real reportFromJournal and
// rendered by writeReport. The page is then loaded --loads times (default 3), each in a fresh
// browser context, from file://; the load time is measured in the page: performance.now() when
// the client script's last chart has painted (window.__reportDrawnAt), i.e. from navigation start
// to all charts drawn. The median is judged. Not a timed test: a script that prints figures.
//
// Options: --loads 3, --keep (keep the run directory and print it), --json FILE, --no-fail
// (report only: exit 0 when a goal is missed). Exit code: 1 a goal missed, 2 no measurement.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { findChromium, reportFromJournal, writeReport } from '../harness/report/index.ts';
import { DURATION_MS, writeJournal } from './report-journal.ts';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    json: { type: 'string' },
    'no-fail': { type: 'boolean', default: false },
  },
});
const LOADS = Number(values.loads);
const GOALS = { sizeMB: 5, loadMs: 2_000 };
const say = (line: string) => process.stdout.write(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`bench:report: ${message}\n`);
  process.exit(2);
};
if (!Number.isInteger(LOADS) || LOADS < 1) fail(`--loads must be a whole number >= 1, not ${values.loads}`);

let executablePath = '';
try {
  executablePath = findChromium();
} catch (error) {
  fail((error as Error).message);
}

const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
const journal = join(dir, 'ten-minute-soak', 'journal.jsonl');
let t = performance.now();
const records = await writeJournal(journal);
const journalMs = performance.now() - t;
const journalBytes = (await stat(journal)).size;
t = performance.now();
const scenario = await reportFromJournal(journal);
const foldMs = performance.now() - t;
t = performance.now();
await writeReport(dir, [scenario]);
const renderMs = performance.now() - t;
const html = join(dir, 'report.html');
const sizeMB = (await stat(html)).size / 1024 / 1024;

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
const loads: number[] = [];
try {
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction(() => document.documentElement.dataset.chartsDrawn === 'true', null, {
      timeout: 60_000,
    });
    if (errors.length > 0) fail(`the page threw: ${errors.join('; ')}`);
    loads.push(await page.evaluate(() => (window as unknown as { __reportDrawnAt: number }).__reportDrawnAt));
    await context.close();
  }
} finally {
  await browser.close();
}
const median = [...loads].sort((a, b) => a - b)[Math.floor(loads.length / 2)] as number;

const mb = (n: number) => `${n.toFixed(2)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
say(
  `bench:report — a ${DURATION_MS / 60_000}-minute run: ${scenario.total.calls} calls, ${scenario.probes.length} probe series, ${scenario.faults.length} faults`,
);
say(`  journal        ${records} records, ${mb(journalBytes / 1024 / 1024)} (written in ${s(journalMs)})`);
say(`  report.json    folded in ${s(foldMs)}; report files rendered in ${s(renderMs)}`);
say(`  report.html    ${mb(sizeMB)}`);
say(
  `  load (navigation start → all charts drawn), ${LOADS} loads: ${loads.map(s).join(', ')}; median ${s(median)}`,
);
say('  goals');
const goals = [
  { what: 'report.html size', value: mb(sizeMB), limit: `< ${GOALS.sizeMB} MB`, ok: sizeMB < GOALS.sizeMB },
  { what: 'load time (median)', value: s(median), limit: `< ${s(GOALS.loadMs)}`, ok: median < GOALS.loadMs },
];
for (const g of goals)
  say(`    ${g.what.padEnd(22)}${g.value.padStart(10)}   ${g.limit.padEnd(9)} ${g.ok ? 'ok' : 'MISSED'}`);
if (values.json) {
  await writeFile(
    values.json,
    `${JSON.stringify({ records, journalBytes, sizeMB, loadsMs: loads, medianMs: median, goals }, null, 2)}\n`,
  );
  say(`figures written to ${values.json}`);
}
if (values.keep) say(`run directory kept: ${dir}`);
else await rm(dir, { recursive: true, force: true });
const missed = goals.filter((g) => !g.ok);
if (missed.length > 0 && !values['no-fail']) {
  say(`a goal was missed: ${missed.map((g) => g.what).join(', ')} (--no-fail only reports)`);
  process.exit(1);
}
