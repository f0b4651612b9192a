/** Text for HTML element content or a quoted attribute value. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value === 0) return '0 ms';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

export function duration(totalMs: number): string {
  const s = Math.round(Math.max(0, totalMs) / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** `12.3 s` from the scenario's start, the charts' x axis. */
export function offset(msFromStart: number): string {
  return `${(msFromStart / 1000).toFixed(1)} s`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '–';
  const p = (part / whole) * 100;
  return `${p === 0 ? '0' : p < 0.1 ? '<0.1' : p.toFixed(1)}%`;
}

export function utc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** Verdicts are spelled out beside their mark: colour is never the only sign. */
export const MARK = { pass: '✓', fail: '✗', inconclusive: '?', missing: '?' } as const;

export function badge(status: keyof typeof MARK): string {
  return `<span class="badge status-${status}">${MARK[status]} ${status}</span>`;
}
