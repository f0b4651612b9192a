// report.html's client script: draws each scenario's charts with uPlot (inlined before this script)
// from the JSON in #report-data (prepared by data.ts), all on one x axis per scenario — seconds
// from the scenario's start — with fault windows shaded and labelled, exposure marked and phase
// starts drawn. Plain browser JavaScript: it is inlined as it is, never compiled.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  const PALETTE = ['#0072B2', '#E69F00', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#000000', '#F0E442'];
  const FAULT_FILL = 'rgba(204, 121, 167, 0.22)';
  const FAULT_EDGE = '#CC79A7';
  const EXPOSURE = '#E69F00';
  const PHASE_LINE = 'rgba(0, 0, 0, 0.35)';
  const PRINT_WIDTH = 680;
  /** Every chart made, for the browser tests: { id, scenario, u, view }. */
  const charts = [];
  window.__charts = charts;

  const fmt = {
    ms: (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${+v.toFixed(1)} ms`),
    perSecond: (v) => `${+v.toFixed(1)}/s`,
    bytes: (v) => `${+(v / 1048576).toFixed(1)} MiB`,
    count: (v) => `${+v.toFixed(2)}`,
    up: (v) => (v >= 1 ? 'ready' : v <= 0 ? 'not ready' : `${v}`),
    value: (v) => `${+v.toPrecision(4)}`,
  };

  /** Fault windows, exposure and phase starts: painted on the canvas, and mirrored as positioned divs. */
  function windowsPlugin(view) {
    function paint(u) {
      const { ctx } = u;
      const { left, top, width, height } = u.bbox;
      const dpr = devicePixelRatio || 1;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      ctx.font = `${11 * dpr}px system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      view.faults.forEach((f, i) => {
        const x0 = u.valToPos(f.fromMs / 1000, 'x', true);
        const x1 = u.valToPos(f.toMs / 1000, 'x', true);
        ctx.fillStyle = FAULT_FILL;
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
        ctx.fillStyle = FAULT_EDGE;
        ctx.fillRect(x0, top, dpr, height);
        if (f.healed) ctx.fillRect(x1 - dpr, top, dpr, height);
        ctx.fillStyle = '#5a2d4a';
        ctx.fillText(f.fault, x0 + 3 * dpr, top + (2 + 12 * (i % 3)) * dpr);
      });
      ctx.fillStyle = EXPOSURE;
      for (const e of view.exposure) {
        const x0 = u.valToPos(e.fromMs / 1000, 'x', true);
        const x1 = u.valToPos(e.toMs / 1000, 'x', true);
        ctx.fillRect(x0, top + height - 5 * dpr, Math.max(2 * dpr, x1 - x0), 5 * dpr);
      }
      ctx.strokeStyle = PHASE_LINE;
      ctx.setLineDash([4 * dpr, 4 * dpr]);
      for (const p of view.phases) {
        const x = Math.round(u.valToPos(p.fromMs / 1000, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      }
      ctx.restore();
      overlay(u, view);
      // The phase band follows the scenario's first chart (its plot area sets the x positions).
      if (u.root.parentElement?.id === view.charts[0]?.id) layoutPhases(view, u);
    }
    return { hooks: { draw: [paint] } };
  }

  /** Invisible divs over the plot at each window: their data and position can be checked. */
  function overlay(u, view) {
    const spans = [
      ...view.faults.map((f) => ({ cls: 'fault-window', label: f.fault, ...f })),
      ...view.exposure.map((e) => ({ cls: 'exposure-window', ...e })),
    ];
    let layer = u.over.querySelector('.windows');
    if (!layer) {
      layer = document.createElement('div');
      layer.className = 'windows';
      for (const s of spans) {
        const div = document.createElement('div');
        div.className = s.cls;
        if (s.cls === 'fault-window') div.dataset.fault = s.label;
        else div.dataset.kind = s.kind;
        div.dataset.fromMs = String(s.fromMs);
        div.dataset.toMs = String(s.toMs);
        div.title = `${s.label}: ${(s.fromMs / 1000).toFixed(1)} s → ${(s.toMs / 1000).toFixed(1)} s`;
        layer.appendChild(div);
      }
      u.over.appendChild(layer);
    }
    spans.forEach((s, i) => {
      const div = layer.children[i];
      const x0 = u.valToPos(s.fromMs / 1000, 'x');
      div.style.left = `${x0}px`;
      div.style.width = `${Math.max(0, u.valToPos(s.toMs / 1000, 'x') - x0)}px`;
    });
  }

  function options(view, chart, width) {
    const isCalls = chart.id.endsWith('-latency') || chart.id.endsWith('-throughput');
    const format = fmt[chart.unit] || fmt.value;
    const yRange =
      chart.unit === 'up' ? () => [-0.05, 1.1] : (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1];
    return {
      width,
      height: isCalls ? 190 : 150,
      cursor: { sync: { key: view.anchor } },
      scales: { x: { time: false, range: () => [0, view.durationMs / 1000] }, y: { range: yRange } },
      axes: [
        {
          label: 's from the scenario start',
          labelSize: 18,
          size: 36,
          values: (_u, ticks) => ticks.map((t) => `${t}`),
        },
        { size: 70, values: (_u, ticks) => ticks.map(format) },
      ],
      series: [
        { label: 's', value: (_u, v) => (v == null ? '–' : `${v.toFixed(1)} s`) },
        ...chart.series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          dash: s.label === 'failed' ? [6, 3] : undefined,
          spanGaps: !isCalls,
          value: (_u, v) => (v == null ? '–' : format(v)),
        })),
      ],
      plugins: [windowsPlugin(view)],
    };
  }

  function chartWidth(figure) {
    return Math.max(
      320,
      Math.floor(figure.getBoundingClientRect().width || figure.parentElement.clientWidth),
    );
  }

  function draw(view, chart) {
    const figure = document.getElementById(chart.id);
    if (!figure || figure.dataset.drawn) return;
    figure.dataset.drawn = 'true';
    const u = new uPlot(
      options(view, chart, chartWidth(figure)),
      [chart.x, ...chart.series.map((s) => s.values)],
      figure,
    );
    charts.push({ id: chart.id, scenario: view.scenario, u, view });
  }

  /** The band of phase names above a scenario's charts, aligned with the plots' x axis. */
  function layoutPhases(view, u) {
    const band = document.getElementById(view.anchor)?.querySelector('.phase-band');
    if (!band) return;
    const overLeft = u.over.getBoundingClientRect().left - band.getBoundingClientRect().left;
    if (!band.children.length) {
      for (const p of view.phases) {
        const span = document.createElement('span');
        span.textContent = p.label;
        span.title = `${p.label}: ${(p.fromMs / 1000).toFixed(1)} s → ${(p.toMs / 1000).toFixed(1)} s`;
        band.appendChild(span);
      }
    }
    view.phases.forEach((p, i) => {
      const x0 = u.valToPos(p.fromMs / 1000, 'x');
      const x1 = u.valToPos(p.toMs / 1000, 'x');
      band.children[i].style.left = `${overLeft + x0}px`;
      band.children[i].style.width = `${Math.max(0, x1 - x0)}px`;
    });
  }

  function resizeAll(width) {
    for (const c of charts) {
      const figure = document.getElementById(c.id);
      c.u.setSize({ width: width ?? chartWidth(figure), height: c.u.height });
    }
  }

  for (const view of data.scenarios) {
    const more = document.querySelector(`#${CSS.escape(view.anchor)} details.more-probes`);
    more?.addEventListener('toggle', () => {
      if (more.open) for (const chart of view.more) draw(view, chart);
    });
  }

  // One scenario per task, so that a run of many scenarios stays responsive while it draws (the
  // text is already there); the flag the benchmark and the tests wait for is set after the last.
  const pending = [...data.scenarios];
  function drawNext() {
    const view = pending.shift();
    if (!view) {
      requestAnimationFrame(() => {
        window.__reportDrawnAt = performance.now();
        document.documentElement.dataset.chartsDrawn = 'true';
      });
      return;
    }
    for (const chart of view.charts) draw(view, chart);
    setTimeout(drawNext, 0);
  }
  drawNext();

  let resizeTimer;
  addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => resizeAll(), 150);
  });

  // Printing: every collapsed block open (evidence, more probes), charts at a width the page fits.
  let closedForPrint = [];
  addEventListener('beforeprint', () => {
    closedForPrint = [...document.querySelectorAll('details:not([open])')];
    for (const d of closedForPrint) d.open = true;
    for (const view of data.scenarios) for (const chart of [...view.charts, ...view.more]) draw(view, chart);
    resizeAll(PRINT_WIDTH);
  });
  addEventListener('afterprint', () => {
    for (const d of closedForPrint) d.open = false;
    closedForPrint = [];
    resizeAll();
  });
})();
