import type { Evidence } from '../../journal/index.ts';
import { scenarioLabel } from '../label.ts';
import type { EvidenceCall, RunReport, ScenarioReport, SelfTestSection } from '../schema.ts';
import { type ComparisonView, scenarioRegressions } from './comparison.ts';
import type { ScenarioView } from './data.ts';
import { badge, duration, esc, MARK, ms, offset, percent, utc } from './format.ts';

/** The run at a glance: what ran where, with which versions, and how it ended. */
export function header(report: RunReport): string {
  const host = report.host
    ? `${report.host.hostname} (${report.host.platform}/${report.host.arch}, ${report.host.cpus} CPUs, ${Math.round(report.host.memoryMiB / 1024)} GiB)`
    : 'unknown';
  const versions = Object.entries(report.versions)
    .map(([name, value]) => `${esc(name)} <code>${esc(value)}</code>`)
    .join(' · ');
  const facts: [string, string][] = [
    ['runtime', esc(report.runtime)],
    ['profile', esc(report.profile ?? '–')],
    ['seed', esc(report.seed)],
    ['host', esc(host)],
    ['started', esc(utc(report.startedAt))],
    ['duration', esc(duration(report.endedAt - report.startedAt))],
    ['versions', versions],
    ['rendered', esc(utc(report.generatedAt))],
  ];
  return `<header class="run">
<h1>mcp-chaos run <code>${esc(report.runId)}</code> ${badge(report.status)}</h1>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>
</header>`;
}

/** The worst recovery of a scenario: null when none was measured, 'never' when one did not recover. */
export function worstRecovery(s: ScenarioReport): number | 'never' | null {
  if (s.recovery.some((r) => r.recoveredAfterMs === null)) return 'never';
  const times = s.recovery.map((r) => r.recoveredAfterMs as number);
  return times.length === 0 ? null : Math.max(...times);
}

/** One row per scenario, each linking to its section. */
export function overview(
  report: RunReport,
  views: readonly ScenarioView[],
  comparison: ComparisonView,
): string {
  const compared = comparison.kind === 'ok';
  const rows = report.scenarios.map((s, i) => {
    const worst = worstRecovery(s);
    const regressions = scenarioRegressions(comparison, s);
    const change = !compared
      ? ''
      : `<td>${regressions.length === 0 ? 'no regression' : `<span class="regressed">${regressions.length} regression${regressions.length === 1 ? '' : 's'}</span>`}</td>`;
    return `<tr data-scenario="${esc(s.scenario)}" data-status="${s.status}">
<td><a href="#${views[i]?.anchor}">${esc(scenarioLabel(s, report))}</a></td><td>${badge(s.status)}</td>
<td class="num">${s.total.calls}</td><td class="num">${percent(s.total.failed, s.total.calls)}</td>
<td class="num">${ms(s.total.latencyMs?.p95)}</td>
<td class="num">${worst === 'never' ? 'not recovered' : ms(worst)}</td>${change}</tr>`;
  });
  const baseline =
    comparison.kind === 'ok'
      ? `<p class="baseline">Compared with baseline run <code>${esc(comparison.comparison.baseline.runId)}</code>${comparison.comparison.baseline.generatedAt ? ` (${esc(utc(comparison.comparison.baseline.generatedAt))})` : ''}: ${comparison.comparison.regressions} regression${comparison.comparison.regressions === 1 ? '' : 's'}.</p>`
      : comparison.kind === 'unreadable'
        ? `<p class="baseline">This report has a comparison this page cannot read (${esc(comparison.reason)}); see report.json.</p>`
        : '';
  return `<section id="overview"><h2>Overview</h2>${baseline}
<table class="overview"><thead><tr><th>scenario</th><th>verdict</th><th>calls</th><th>failed</th><th>p95</th><th>worst recovery</th>${compared ? '<th>vs baseline</th>' : ''}</tr></thead>
<tbody>${rows.join('')}</tbody></table></section>`;
}

/** One scenario: figures, the chart containers the client script fills, recovery, phases, checks. */
export function scenarioSection(
  s: ScenarioReport,
  view: ScenarioView,
  comparison: ComparisonView,
  label: string = s.scenario,
): string {
  const regressions = scenarioRegressions(comparison, s);
  const calls = callsById([s]);
  const charts = view.charts.map((c) => chartSlot(c.id, c.title)).join('');
  const more =
    view.more.length === 0
      ? ''
      : `<details class="more-probes"><summary>More probes (${view.more.length})</summary>${view.more.map((c) => chartSlot(c.id, c.title)).join('')}</details>`;
  return `<section class="scenario" id="${view.anchor}" data-scenario="${esc(s.scenario)}">
<h2>${esc(label)} ${badge(s.status)}</h2>
<p class="meta">${s.total.calls} calls, ${s.total.failed} failed (${percent(s.total.failed, s.total.calls)}) · p95 ${ms(s.total.latencyMs?.p95)} · ${duration(s.durationMs)} · seed ${s.seed}${s.complete ? '' : ' · <strong>cut short: no end record</strong>'}</p>
${regressions.length > 0 ? `<ul class="regressions">${regressions.map((r) => `<li><span class="regressed">regression</span> ${esc(r.message)}</li>`).join('')}</ul>` : ''}
<div class="timeline" data-index="${esc(view.anchor)}">
<div class="legend-windows">${legend(view)}</div>
<div class="phase-band" aria-label="phases"></div>
${charts}${more}
</div>
<div class="columns">${recoveryList(s)}${phaseTable(s)}</div>
${thresholdTable(s)}
<h3>Checks</h3>
<ul class="checks">${s.verdicts.map((v) => check(v, calls)).join('') || '<li>No check reached a verdict.</li>'}</ul>
</section>`;
}

function chartSlot(id: string, title: string): string {
  return `<figure class="chart" id="${esc(id)}"><figcaption>${esc(title)}</figcaption></figure>`;
}

function legend(view: ScenarioView): string {
  const faults = view.faults.map(
    (f) =>
      `<li><span class="swatch fault"></span>${esc(f.fault)}: ${offset(f.fromMs)} → ${f.healed ? offset(f.toMs) : 'never healed'}</li>`,
  );
  const exposure = view.exposure.map(
    (e) =>
      `<li><span class="swatch exposure"></span>exposure (${esc(e.label)}): ${offset(e.fromMs)} → ${offset(e.toMs)}</li>`,
  );
  const all = [...faults, ...exposure];
  return all.length === 0 ? '<p>No fault was injected.</p>' : `<ul>${all.join('')}</ul>`;
}

function recoveryList(s: ScenarioReport): string {
  if (s.recovery.length === 0) return '<div><h3>Recovery</h3><p>No fault was healed.</p></div>';
  const items = s.recovery.map(
    (r) =>
      `<li>${esc(r.fault)} healed at ${offset(r.healedOffsetMs)}: ${r.recoveredAfterMs === null ? '<strong>not recovered</strong> (calls still failing at the end)' : r.recoveredAfterMs === 0 ? 'no failed call after the heal' : `recovered after <strong>${ms(r.recoveredAfterMs)}</strong>`}</li>`,
  );
  return `<div><h3>Recovery</h3><ul class="recovery">${items.join('')}</ul></div>`;
}

function phaseTable(s: ScenarioReport): string {
  const rows = s.phases.map(
    (p) =>
      `<tr><td>${esc(p.name)}</td><td class="num">${p.startedAt === null ? '–' : offset(p.startedAt - s.startedAt)}</td><td class="num">${p.calls}</td><td class="num">${percent(p.failed, p.calls)}</td><td class="num">${ms(p.latencyMs?.p50)}</td><td class="num">${ms(p.latencyMs?.p95)}</td><td class="num">${ms(p.latencyMs?.p99)}</td></tr>`,
  );
  return `<div><h3>Phases</h3><table><thead><tr><th>phase</th><th>from</th><th>calls</th><th>failed</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function thresholdTable(s: ScenarioReport): string {
  if (s.thresholds.length === 0) return '';
  const rows = s.thresholds.map(
    (t) =>
      `<tr><td>${esc(t.metric)}</td><td><code>${esc(t.threshold)}</code></td><td class="num">${t.actual === null ? '–' : esc(Number(t.actual.toFixed(3)))}</td><td>${t.ok === null ? '? no call' : t.ok ? '✓ ok' : '✗ missed'}</td></tr>`,
  );
  return `<h3>Thresholds</h3><table><thead><tr><th>metric</th><th>threshold</th><th>actual</th><th>standing</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The calls the evidence of `scenarios` names, by correlation id. */
export function callsById(scenarios: readonly ScenarioReport[]): Map<string, EvidenceCall> {
  return new Map(scenarios.flatMap((s) => (s.evidenceCalls ?? []).map((c) => [c.correlationId, c] as const)));
}

/**
 * One evidence item; where the report holds the call it names, the call itself opens under it:
 * who made it, the arguments, the phase, how it ended and how long it took.
 */
function evidenceItem(e: Evidence, calls: ReadonlyMap<string, EvidenceCall>): string {
  const text = `${e.correlationId ? `<code class="cid">${esc(e.correlationId)}</code> ` : ''}${esc(e.message)}`;
  const call = e.correlationId ? calls.get(e.correlationId) : undefined;
  if (!call) return `<li>${text}</li>`;
  const who = `${call.identity.role} of ${call.identity.tenant}${call.identity.customer ? ` (${call.identity.customer})` : ''}, VU ${call.vu}`;
  const ended = `${call.outcome}${call.code ? ` ${call.code}` : ''}${call.message ? `: ${call.message}` : ''}`;
  const rows: [string, string][] = [
    ['tool', `<code>${esc(call.tool)}</code>`],
    ['caller', esc(who)],
    ['arguments', `<code>${esc(JSON.stringify(call.args))}</code>`],
    ['phase', esc(call.phase ?? '–')],
    ['started', `${esc(offset(call.startOffsetMs))} (driver delay ${ms(call.driverDelayMs)})`],
    ['latency', ms(call.latencyMs)],
    ['ended', esc(ended)],
    ...(call.buildId ? ([['build', esc(call.buildId)]] as [string, string][]) : []),
  ];
  return `<li><details class="call" data-cid="${esc(call.correlationId)}"><summary>${text}</summary><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl></details></li>`;
}

function evidenceList(evidence: readonly Evidence[], calls: ReadonlyMap<string, EvidenceCall>): string {
  return `<ul>${evidence.map((e) => evidenceItem(e, calls)).join('')}</ul>`;
}

function check(v: ScenarioReport['verdicts'][number], calls: ReadonlyMap<string, EvidenceCall>): string {
  const evidence =
    v.evidence.length === 0
      ? ''
      : `<details class="evidence"><summary>Evidence (${v.evidence.length === v.evidenceTotal ? v.evidenceTotal : `${v.evidence.length} of ${v.evidenceTotal}`})</summary>${evidenceList(v.evidence, calls)}</details>`;
  return `<li class="check status-${v.status}" data-check="${esc(v.check)}"><span class="mark" aria-hidden="true">${MARK[v.status]}</span><div><strong>${esc(v.check)}</strong> <span class="status-text">${v.status}</span>: ${esc(v.summary)}${evidence}</div></li>`;
}

/** The harness measured against its defects: apart from the target's verdicts. */
export function selfTestSection(
  t: SelfTestSection,
  calls: ReadonlyMap<string, EvidenceCall> = new Map(),
): string {
  const defects = t.defects.map(
    (d) =>
      `<tr><td>${esc(d.defect)}</td><td>${esc(d.scenario)}</td><td>${esc(d.check)}</td><td>${d.caught ? '✓ caught' : '✗ <strong>missed</strong>'}</td><td>${badge(d.status)}</td><td>${esc(d.summary)}${
        d.evidence.length === 0
          ? ''
          : `<details class="evidence"><summary>Evidence (${d.evidence.length})</summary>${evidenceList(d.evidence, calls)}</details>`
      }</td></tr>`,
  );
  const good = t.goodBuild.map(
    (g) =>
      `<tr><td>${esc(g.scenario)}</td><td>${badge(g.status)}</td><td>${g.notPassed.map((n) => `${esc(n.check)} (${n.status}): ${esc(n.summary)}`).join('<br>') || '–'}</td></tr>`,
  );
  return `<section id="self-test"><h2>Self-test ${badge(t.exitCode === 0 ? 'pass' : t.exitCode === 1 ? 'fail' : 'inconclusive')}</h2>
<p>Each defect must fail on the check named for it while the good build passes: this measures the harness, not the target (runtime ${esc(t.runtime)}, seed ${t.seed}).</p>
<table><thead><tr><th>defect</th><th>scenario</th><th>expected check</th><th>caught</th><th>status</th><th>summary</th></tr></thead><tbody>${defects.join('')}</tbody></table>
<h3>Good build</h3><table><thead><tr><th>scenario</th><th>status</th><th>not passed</th></tr></thead><tbody>${good.join('')}</tbody></table></section>`;
}
