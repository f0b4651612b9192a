import { describe, expect, it } from 'vitest';
import {
  fmtMs,
  parseImageLog,
  slowestStep,
  spread,
  startSteps,
  stepLabel,
  stepMedians,
} from './env-report.ts';

describe('stepLabel', () => {
  it('names the same step of two starts alike (ports, addresses, durations and ids taken out)', () => {
    expect(stepLabel('PostgreSQL 18 (embedded) ready on 127.0.0.1:45643 in 500 ms')).toBe(
      stepLabel('PostgreSQL 18 (embedded) ready on 127.0.0.1:33083 in 217 ms'),
    );
    expect(stepLabel('PostgreSQL 18 (embedded) ready on 127.0.0.1:45643 in 500 ms')).toBe(
      'PostgreSQL 18 ready',
    );
    expect(stepLabel('Toxiproxy ready at http://127.0.0.1:41505 in 36 ms')).toBe('Toxiproxy ready');
    expect(stepLabel('postgres container mcp-chaos-1a2b3c4d-postgres started in 812ms')).toBe(
      'postgres container started',
    );
    expect(stepLabel('network mcp-chaos-1a2b3c4d (gateway 172.18.0.1)')).toBe('network');
    expect(stepLabel('containers runtime ready in 2310ms (environment 1a2b3c4d)')).toBe(
      'containers runtime ready',
    );
    expect(stepLabel('target reference ready in 738 ms')).toBe('target reference ready');
    expect(stepLabel('dataset loaded: 3 tenants, 36 customers, 83 orders, 24 articles')).toBe(
      'dataset loaded',
    );
  });

  it('says what the time before a terse line went to', () => {
    expect(stepLabel('runtime: local (--runtime local)')).toBe('runtime chosen');
    expect(stepLabel('links: client→target (127.0.0.1:1 → 127.0.0.1:2), target→postgres (…)')).toBe(
      'identity issuer, shipping service, proxies',
    );
    expect(stepLabel('environment up in 1348 ms')).toBe('identities minted');
  });
});

describe('startSteps and stepMedians', () => {
  it('gives each step the time since the previous line, and its median over starts', () => {
    const a = startSteps([
      { atMs: 1, message: 'runtime: local (--runtime local)' },
      { atMs: 501, message: 'PostgreSQL 18 (embedded) ready on 127.0.0.1:1 in 500 ms' },
      { atMs: 1300, message: 'target reference ready in 799 ms' },
    ]);
    expect(a).toEqual([
      { step: 'runtime chosen', ms: 1 },
      { step: 'PostgreSQL 18 ready', ms: 500 },
      { step: 'target reference ready', ms: 799 },
    ]);
    const b = startSteps([
      { atMs: 3, message: 'runtime: local (--runtime local)' },
      { atMs: 203, message: 'PostgreSQL 18 (embedded) ready on 127.0.0.1:2 in 200 ms' },
      { atMs: 1103, message: 'target reference ready in 900 ms' },
    ]);
    const c = startSteps([
      { atMs: 2, message: 'runtime: local (--runtime local)' },
      { atMs: 302, message: 'PostgreSQL 18 (embedded) ready on 127.0.0.1:3 in 300 ms' },
      { atMs: 1002, message: 'target reference ready in 700 ms' },
    ]);
    expect(stepMedians([a, b, c])).toEqual([
      { step: 'runtime chosen', medianMs: 2, n: 3 },
      { step: 'PostgreSQL 18 ready', medianMs: 300, n: 3 },
      { step: 'target reference ready', medianMs: 799, n: 3 },
    ]);
  });

  it('sums a step printed twice in one start (two containers started alike)', () => {
    const steps = [
      { step: 'x container started', ms: 100 },
      { step: 'x container started', ms: 50 },
    ];
    expect(stepMedians([steps])).toEqual([{ step: 'x container started', medianMs: 150, n: 1 }]);
  });

  it('names as slowest a step every start had, not one that happened once (a sweep of leftovers)', () => {
    const usual = [
      { step: 'PostgreSQL 18 ready', ms: 300 },
      { step: 'target reference ready', ms: 900 },
    ];
    const medians = stepMedians([
      usual,
      [{ step: 'swept leftovers of a crashed run', ms: 1300 }, ...usual],
      usual,
    ]);
    expect(medians.find((s) => s.step.startsWith('swept'))).toEqual({
      step: 'swept leftovers of a crashed run',
      medianMs: 1300,
      n: 1,
    });
    expect(slowestStep(medians, 3)).toBe('target reference ready');
  });
});

describe('spread', () => {
  it('gives the median (the mean of the middle two for an even count), min and max', () => {
    expect(spread([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ n: 4, median: 2.5, min: 1, max: 4 });
    expect(spread([])).toBeUndefined();
  });
});

describe('parseImageLog', () => {
  const bold = (text: string) => `\x1b[1m[images]\x1b[0m ${text}`;

  it('times each image from the end of the previous one to its last line, and reads the script’s seconds', () => {
    const images = parseImageLog([
      { atMs: 40, text: bold('mcp-chaos/base:bookworm: up to date') },
      { atMs: 90, text: bold('mcp-chaos/postgres:18: up to date (4daa8647d9a873c7)') },
      { atMs: 120, text: bold('mcp-chaos/toxiproxy:2.12.0: up to date (9b2bbddb79e07483)') },
      { atMs: 300, text: bold('mcp-chaos/target: production node_modules from the host’s (lock bcfd)…') },
      { atMs: 1400, text: bold('mcp-chaos/target: production node_modules (286M) in 1s') },
      { atMs: 1500, text: bold('mcp-chaos/target:latest: docker build (context 407M)…') },
      { atMs: 27_500, text: bold('mcp-chaos/target:latest: built in 26s') },
      { atMs: 27_600, text: bold('mcp-chaos/target: also tagged mcp-chaos/target:0a64 (Node 24.21.0)') },
      { atMs: 27_900, text: bold('all images ready in 29s: mcp-chaos/base:bookworm …') },
    ]);
    expect(images).toEqual([
      { image: 'mcp-chaos/base', status: 'up to date', ms: 40 },
      { image: 'mcp-chaos/postgres', status: 'up to date', ms: 50 },
      { image: 'mcp-chaos/toxiproxy', status: 'up to date', ms: 30 },
      { image: 'mcp-chaos/target', status: 'built', ms: 27_480, scriptSeconds: 26, dockerBuildMs: 26_000 },
    ]);
  });

  it('marks an image the script stopped on as unfinished, not up to date', () => {
    const images = parseImageLog([
      {
        atMs: 10,
        text: bold('mcp-chaos/base:bookworm: debootstrap --variant=minbase bookworm from http://deb…'),
      },
      { atMs: 20, text: bold('error: debootstrap failed; see .cache/images/debootstrap.log') },
    ]);
    expect(images).toEqual([{ image: 'mcp-chaos/base', status: 'unfinished', ms: 10 }]);
  });

  it('reads a target built under another image name', () => {
    const images = parseImageLog([
      { atMs: 5, text: bold('mcp-chaos/target-bench-env-42:latest: docker build (context 407M)…') },
      { atMs: 9000, text: bold('mcp-chaos/target-bench-env-42:latest: built in 9s') },
    ]);
    expect(images).toEqual([
      {
        image: 'mcp-chaos/target-bench-env-42',
        status: 'built',
        ms: 9000,
        scriptSeconds: 9,
        dockerBuildMs: 8995,
      },
    ]);
  });
});

describe('fmtMs', () => {
  it('shows ms under a second, seconds above, and a dash for nothing measured', () => {
    expect(fmtMs(812.4)).toBe('812 ms');
    expect(fmtMs(1349)).toBe('1.35 s');
    expect(fmtMs(150_000)).toBe('150.0 s');
    expect(fmtMs(undefined)).toBe('—');
  });
});
