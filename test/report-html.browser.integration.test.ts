// report.html in a real browser (Debian's Chromium driven by playwright-core): rendered by
// writeReport from journals of real runs (harness/report/fixtures), opened from file://, and
// checked as a reviewer would use it: no error, no request, every scenario and verdict listed,
// a failed check's evidence opening on click, every chart drawn, every fault window shaded at the
// inject/heal times report.json gives. The full-page screenshot is kept in reports/test/.
/// <reference lib="dom" />
// (DOM types: the functions given to page.evaluate run in the page.)
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import type uPlot from 'uplot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findChromium,
  type RunReport,
  reportFromJournal,
  selfTestSectionSchema,
  writeReport,
} from '../harness/report/index.ts';

const root = join(import.meta.dirname, '..');
const fixtures = join(root, 'harness', 'report', 'fixtures');
const SCREENSHOT = join(root, 'reports', 'test', 'report-html.png');
const JOURNALS = {
  'canary-deploy': 'canary-deploy.journal.jsonl.gz',
  'database-restart': 'sql-in-errors/database-restart/journal.jsonl.gz',
};

/** What the page's client script exposes for these tests. */
interface Charts {
  __charts: { id: string; scenario: string; u: uPlot }[];
}

let dir: string;
let report: RunReport;
let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  // No Chromium is a failure that says what to do, never a skip.
  const executablePath = findChromium();
  dir = await mkdtemp(join(tmpdir(), 'report-html-'));
  const scenarios = [];
  for (const [scenario, file] of Object.entries(JOURNALS)) {
    const path = join(dir, scenario, 'journal.jsonl');
    await mkdir(join(dir, scenario));
    await writeFile(path, gunzipSync(await readFile(join(fixtures, file))));
    scenarios.push(await reportFromJournal(path, { journal: path }));
  }
  const selfTest = selfTestSectionSchema.parse(
    JSON.parse(readFileSync(join(fixtures, 'selftest.json'), 'utf8')),
  );
  ({ report } = await writeReport(dir, scenarios, { selfTest }));
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  await page.waitForFunction(() => document.documentElement.dataset.chartsDrawn === 'true', null, {
    timeout: 10_000,
  });
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('report.html in Chromium', () => {
  it('loads without a console error and without any request but its own file', () => {
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
  });

  it('lists every scenario of report.json in the overview with its verdict spelled out', async () => {
    const rows = await page.$$eval('table.overview tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-scenario'), tr.querySelector('.badge')?.textContent?.trim()]),
    );
    const marks = { pass: '✓', fail: '✗', inconclusive: '?' };
    expect(rows).toEqual(report.scenarios.map((s) => [s.scenario, `${marks[s.status]} ${s.status}`]));
    expect(report.scenarios.map((s) => s.status)).toContain('fail');
  });

  it('opens a failed check’s evidence on click, showing its correlation ids', async () => {
    const failed = report.scenarios.find((s) => s.status === 'fail');
    const verdict = failed?.verdicts.find(
      (v) => v.status === 'fail' && v.evidence.some((e) => e.correlationId),
    );
    if (!failed || !verdict) throw new Error('the fixture has no failed check with correlation ids');
    const details = page.locator(
      `section.scenario[data-scenario="${failed.scenario}"] li.check[data-check="${verdict.check}"] details.evidence`,
    );
    const ids = details.locator('code.cid');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await ids.first().isVisible()).toBe(false);
    await details.locator(':scope > summary').click();
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await ids.first().isVisible()).toBe(true);
    expect(await ids.allTextContents()).toEqual(
      verdict.evidence.flatMap((e) => (e.correlationId ? [e.correlationId] : [])),
    );
    // The call itself, on demand: as the journal recorded it.
    const first = verdict.evidence.find((e) => e.correlationId)?.correlationId;
    const call = failed.evidenceCalls?.find((c) => c.correlationId === first);
    if (!call) throw new Error(`report.json holds no call for the evidence's ${first}`);
    const opened = details.locator(`details.call[data-cid="${call.correlationId}"]`);
    const facts = opened.locator('dl');
    expect(await facts.isVisible()).toBe(false);
    await opened.locator(':scope > summary').click();
    expect(await facts.isVisible()).toBe(true);
    const text = await facts.textContent();
    expect(text).toContain(call.tool);
    expect(text).toContain(JSON.stringify(call.args));
    expect(text).toContain(call.outcome);
  });

  it('draws every chart: each line shows in its colour on the canvas', async () => {
    // The collapsed "more probes" charts are drawn when opened: open them all first.
    for (const summary of await page.locator('details.more-probes > summary').all()) await summary.click();
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const figures = await page.locator('figure.chart').count();
    const charts = await page.evaluate(() => {
      const w = window as unknown as Charts;
      return w.__charts.map(({ id, u }) => {
        const canvas = u.ctx.canvas;
        const pixels = u.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        // Per series with a value, the pixels of its stroke colour (±12 per channel); lines may
        // overlap (RSS from two probes), so the best-shown series counts.
        const colours = u.series.flatMap((s, i) =>
          i > 0 && u.data[i]?.some((v) => v != null)
            ? [String(typeof s.stroke === 'function' ? s.stroke(u, i) : s.stroke)]
            : [],
        );
        const rgbs = colours.map((c) => [1, 3, 5].map((at) => Number.parseInt(c.slice(at, at + 2), 16)));
        const counts = rgbs.map(() => 0);
        let painted = 0;
        for (let p = 0; p < pixels.length; p += 4) {
          if ((pixels[p + 3] as number) === 0) continue;
          painted++;
          rgbs.forEach((rgb, j) => {
            if (rgb.every((c, k) => Math.abs((pixels[p + k] as number) - c) <= 12))
              counts[j] = (counts[j] as number) + 1;
          });
        }
        const index = colours.length;
        const ofSeries = Math.max(0, ...counts);
        return { id, index, painted, ofSeries, size: canvas.width * canvas.height };
      });
    });
    expect(charts.length).toBe(figures);
    expect(figures).toBeGreaterThanOrEqual(report.scenarios.length * 7);
    for (const chart of charts) {
      expect(chart.index, `${chart.id}: series with values`).toBeGreaterThan(0);
      expect(chart.painted, chart.id).toBeGreaterThan(chart.size * 0.01);
      expect(chart.ofSeries, chart.id).toBeGreaterThan(20);
    }
  });

  it('shades every fault at its inject/heal offsets from report.json, at those x positions (±2 px)', async () => {
    const windows = await page.evaluate(() => {
      const w = window as unknown as Charts;
      return w.__charts.flatMap(({ id, scenario, u }) => {
        const over = u.over.getBoundingClientRect();
        const { min = 0, max = 0 } = u.scales.x ?? {};
        return [...u.over.querySelectorAll<HTMLElement>('.fault-window')].map((div) => {
          const box = div.getBoundingClientRect();
          const fromMs = Number(div.dataset.fromMs);
          const toMs = Number(div.dataset.toMs);
          // Where the axis puts those times: from the scale alone, and by uPlot's own valToPos.
          const x = (ms: number) => over.left + ((ms / 1000 - min) / (max - min)) * over.width;
          return {
            id,
            scenario,
            fault: div.dataset.fault,
            fromMs,
            toMs,
            left: box.left,
            right: box.right,
            expectedLeft: x(fromMs),
            expectedRight: x(toMs),
            uplotLeft: over.left + u.valToPos(fromMs / 1000, 'x'),
            endMs: max * 1000,
          };
        });
      });
    });
    const chartIds = await page.evaluate(() =>
      (window as unknown as Charts).__charts.map((c) => [c.id, c.scenario]),
    );
    let checked = 0;
    for (const s of report.scenarios) {
      const faults = s.faults.filter((f) => f.injectedOffsetMs !== null);
      for (const [id] of chartIds.filter(([, scenario]) => scenario === s.scenario)) {
        const drawn = windows.filter((w) => w.id === id);
        expect(drawn.map((w) => w.fault).sort(), id).toEqual(faults.map((f) => f.fault).sort());
        for (const f of faults) {
          const w = drawn.find((d) => d.fault === f.fault);
          if (!w) continue;
          expect(w.fromMs).toBe(f.injectedOffsetMs);
          expect(w.toMs).toBe(f.healedOffsetMs ?? w.endMs);
          expect(Math.abs(w.left - w.expectedLeft), `${id} ${f.fault} left`).toBeLessThanOrEqual(2);
          expect(Math.abs(w.right - w.expectedRight), `${id} ${f.fault} right`).toBeLessThanOrEqual(2);
          expect(Math.abs(w.left - w.uplotLeft)).toBeLessThanOrEqual(2);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('opens every collapsed block and fits its charts to the paper when printed, and restores them after', async () => {
    const state = () =>
      page.evaluate(() => ({
        closed: document.querySelectorAll('details:not([open])').length,
        widths: [...new Set((window as unknown as Charts).__charts.map((c) => c.u.width))],
      }));
    const before = await state();
    expect(before.closed).toBeGreaterThan(0);
    await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
    const printing = await state();
    expect(printing.closed).toBe(0);
    expect(printing.widths).toEqual([680]);
    await page.evaluate(() => dispatchEvent(new Event('afterprint')));
    expect(await state()).toEqual(before);
  });

  it('has the self-test section and keeps a full-page screenshot', async () => {
    expect(await page.locator('#self-test tbody tr').count()).toBe(
      report.selfTest ? report.selfTest.defects.length + report.selfTest.goodBuild.length : -1,
    );
    mkdirSync(join(root, 'reports', 'test'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`report.html screenshot: ${SCREENSHOT}`);
  });
});
