import { scenarioLabel } from '../label.ts';
import type { RunReport } from '../schema.ts';
import { assets } from './assets.ts';
import { readComparison } from './comparison.ts';
import { embedJson, pageData } from './data.ts';
import { esc } from './format.ts';
import { callsById, header, overview, scenarioSection, selfTestSection } from './sections.ts';

/**
 * report.html: one self-contained file. The text (header, overview, checks and their evidence,
 * self-test) is rendered here, so it reads and prints without script; the charts are drawn in
 * the browser by uPlot from the data embedded as JSON. Everything is inline (uPlot too, and a
 * data: favicon so the browser does not ask for /favicon.ico): opening it makes no request.
 */
export function toHtml(report: RunReport): string {
  const { uplotJs, uplotCss, clientJs, css } = assets();
  const data = pageData(report);
  const comparison = readComparison(report);
  const sections = report.scenarios.map((s, i) =>
    scenarioSection(
      s,
      data.scenarios[i] as (typeof data.scenarios)[number],
      comparison,
      scenarioLabel(s, report),
    ),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mcp-chaos ${esc(report.runId)}: ${report.status}</title>
<link rel="icon" href="data:,">
<style>${uplotCss}</style>
<style>${css}</style>
</head>
<body>
${header(report)}
<main>
${/* A self-test's defect runs fail by design: whether each was caught is the headline. */ ''}
${report.selfTest ? selfTestSection(report.selfTest, callsById(report.scenarios)) : ''}
${overview(report, data.scenarios, comparison)}
${sections.join('\n')}
</main>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${uplotJs}</script>
<script>${clientJs}</script>
</body>
</html>
`;
}
