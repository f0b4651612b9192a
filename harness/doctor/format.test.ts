import { describe, expect, it } from 'vitest';
import { formatDoctor } from './format.ts';
import { doctorReport } from './run.ts';

const report = doctorReport([
  { id: 'node', status: 'ok', detail: 'Node 24.21.0', fix: null, blocks: [] },
  {
    id: 'docker-engine',
    status: 'broken',
    detail: 'no engine answers docker info',
    fix: 'bash scripts/ensure-docker.sh start',
    blocks: ['containers'],
  },
  {
    id: 'image:x',
    status: 'missing',
    detail: 'x is not built',
    fix: 'bash docker/build-images.sh',
    blocks: ['containers'],
  },
  {
    id: 'leftovers',
    status: 'warn',
    detail: '1 container(s) of dead owners',
    fix: 'mcp-chaos env down --sweep',
    blocks: [],
  },
]);

describe('formatDoctor', () => {
  it('aligns marks, names, status words and details; puts each fix under its check', () => {
    expect(formatDoctor(report)).toBe(
      [
        'mcp-chaos doctor',
        '',
        '  ✓ node           ok       Node 24.21.0',
        '  ✗ docker-engine  BROKEN   no engine answers docker info',
        '                            fix: bash scripts/ensure-docker.sh start',
        '  ✗ image:x        MISSING  x is not built',
        '                            fix: bash docker/build-images.sh',
        '  ! leftovers      WARN     1 container(s) of dead owners',
        '                            fix: mcp-chaos env down --sweep',
        '',
        '  local:      ✓ ready',
        '  containers: ✗ not ready (2 fixes)',
        '                bash scripts/ensure-docker.sh start',
        '                bash docker/build-images.sh',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked', () => {
    expect(formatDoctor(report)).not.toContain('\u001b[');
    const coloured = formatDoctor(report, { color: true });
    expect(coloured).toContain('\u001b[32m✓\u001b[0m node');
    expect(coloured).toContain('\u001b[31m✗ not ready (2 fixes)\u001b[0m');
  });
});
