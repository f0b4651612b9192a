import { describe, expect, it } from 'vitest';
import { toJUnit } from './junit.ts';
import { comparedRun, mixedRun, scenario, verdict } from './test-run.ts';
import { buildRunReport } from './write.ts';

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/**
 * A small, strict XML reader for what toJUnit writes (declaration, elements, attributes, text,
 * the predefined and numeric entities): anything else throws, so malformed output fails the test.
 */
function parseXml(xml: string): Element {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  // As XML parsers do: raw line ends become \n, and in attributes raw whitespace becomes a space.
  const decode = (raw: string, attribute = false): string => {
    if (/[<]/.test(raw)) fail('raw < in text');
    const lines = raw.replace(/\r\n?/g, '\n');
    return (attribute ? lines.replace(/[\t\n]/g, ' ') : lines).replace(
      /&([^;]*);|&/g,
      (whole, name: string | undefined) => {
        if (name === undefined) return fail('bare &');
        const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
        if (name in named) return named[name] as string;
        const code = name.startsWith('#x')
          ? Number.parseInt(name.slice(2), 16)
          : name.startsWith('#')
            ? Number(name.slice(1))
            : Number.NaN;
        return Number.isInteger(code) ? String.fromCodePoint(code) : fail(`unknown entity ${whole}`);
      },
    );
  };
  const skipSpace = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  const name = (): string => {
    const match = /^[A-Za-z_][\w.-]*/.exec(xml.slice(i));
    if (!match) return fail('expected a name');
    i += match[0].length;
    return match[0];
  };
  const element = (): Element => {
    if (xml[i] !== '<') fail('expected <');
    i++;
    const node: Element = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const key = name();
      if (xml[i] !== '=' || (xml[i + 1] !== '"' && xml[i + 1] !== "'")) fail('expected ="');
      const quote = xml[i + 1] as string;
      const end = xml.indexOf(quote, i + 2);
      if (end < 0) fail('unterminated attribute');
      if (key in node.attributes) fail(`duplicate attribute ${key}`);
      node.attributes[key] = decode(xml.slice(i + 2, end), true);
      i = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail('unterminated element');
      node.text += decode(xml.slice(i, next));
      i = next;
      if (xml.startsWith('</', i)) {
        i += 2;
        if (name() !== node.name) fail(`mismatched </…> for ${node.name}`);
        skipSpace();
        if (xml[i] !== '>') fail('expected >');
        i++;
        return node;
      }
      node.children.push(element());
    }
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

const all = (node: Element, name: string): Element[] => [
  ...(node.name === name ? [node] : []),
  ...node.children.flatMap((c) => all(c, name)),
];

describe('toJUnit', () => {
  const report = mixedRun();
  const root = parseXml(toJUnit(report));
  const cases = all(root, 'testcase');
  const byName = (n: string) => cases.find((c) => c.attributes.name === n);

  it('has one testsuite and one testcase per scenario, named and timed', () => {
    expect(all(root, 'testsuite')).toHaveLength(1);
    expect(cases.map((c) => c.attributes.name)).toEqual(report.scenarios.map((s) => s.scenario));
    for (const c of cases) expect(c.attributes.classname).toBe('mcp-chaos');
    expect(byName('steady-load')?.attributes.time).toBe('2.000');
    expect(all(root, 'testsuite')[0]?.attributes).toMatchObject({ tests: '3', failures: '1', errors: '1' });
  });

  it('puts failures exactly where verdicts failed and errors where they were inconclusive', () => {
    for (const s of report.scenarios) {
      const c = byName(s.scenario) as Element;
      expect(c.children.map((e) => e.name)).toEqual(
        s.status === 'fail' ? ['failure'] : s.status === 'inconclusive' ? ['error'] : [],
      );
    }
  });

  it("carries each failed check's summary and its evidence with correlation ids", () => {
    const failure = byName('database-restart')?.children[0] as Element;
    expect(failure.attributes.message).toBe('noHangs: 2 calls hung past 1 s');
    expect(failure.text).toContain('noHangs (fail): 2 calls hung past 1 s');
    expect(failure.text).toContain('[corr-a] lookup_customer took 1.5 s');
    expect(failure.text).toContain('  - no id here');
    expect(failure.text).not.toContain('recoversWithin');
    const error = byName('load-surge')?.children[0] as Element;
    expect(error.attributes.message).toBe('driverHealthy: the driver lagged 2 s');
  });

  it('makes a scenario cut short before any verdict an error that says so', () => {
    const cut = scenario('cut', [], { complete: false });
    const c = all(parseXml(toJUnit(buildRunReport([cut]))), 'testcase')[0] as Element;
    expect(cut.status).toBe('inconclusive');
    expect(c.children[0]?.name).toBe('error');
    expect(c.children[0]?.attributes.message).toBe(
      'no check reached a verdict: the run was cut short (no end record in the journal)',
    );
  });

  it('escapes markup, quotes and line breaks and drops what XML 1.0 forbids', () => {
    const nasty = `a <b> & "c" 'd'\r\nline two\ttab \u0000\u0007\u001b\uFFFE${'\uD800'}end 😀`;
    const run = buildRunReport([
      scenario('x<&"y', [verdict('noHangs', 'fail', nasty, [{ correlationId: 'id"<&', message: nasty }])]),
    ]);
    const c = all(parseXml(toJUnit(run)), 'testcase')[0] as Element;
    const kept = `a <b> & "c" 'd'\r\nline two\ttab end 😀`;
    expect(c.attributes.name).toBe('x<&"y');
    expect(c.children[0]?.attributes.message).toBe(`noHangs: ${kept}`);
    expect(c.children[0]?.text).toContain(`[id"<&] ${kept}`);
  });

  it('carries a comparison with a baseline as properties and system-out, never as failures', () => {
    const compared = comparedRun();
    const xml = parseXml(toJUnit(compared));
    const suite = all(xml, 'testsuite')[0] as Element;
    const property = (node: Element, name: string) =>
      node.children.find((c) => c.name === 'properties')?.children.find((p) => p.attributes.name === name)
        ?.attributes.value;
    expect(property(suite, 'baseline.runId')).toBe('run-6');
    expect(property(suite, 'baseline.regressions')).toBe('2');
    const testcases = all(xml, 'testcase');
    for (const s of compared.scenarios) {
      const c = testcases.find((t) => t.attributes.name === s.scenario) as Element;
      // Failures exactly where verdicts failed, as without a baseline.
      expect(c.children.map((e) => e.name).filter((n) => n === 'failure' || n === 'error')).toEqual(
        s.status === 'fail' ? ['failure'] : s.status === 'inconclusive' ? ['error'] : [],
      );
    }
    const steady = testcases.find((t) => t.attributes.name === 'steady-load') as Element;
    expect(steady.children.map((c) => c.name)).toEqual(['properties', 'system-out']);
    expect(property(steady, 'baseline.status')).toBe('regressed');
    expect(property(steady, 'baseline.regressions')).toBe('1');
    const out = steady.children.find((c) => c.name === 'system-out')?.text;
    expect(out).toBe(
      'Regressions since baseline run run-6:\n  - recovery after restart(postgres): 0 ms → never recovered',
    );
    const restart = testcases.find((t) => t.attributes.name === 'database-restart') as Element;
    expect(restart.children.map((c) => c.name)).toEqual(['properties', 'failure', 'system-out']);
    expect(restart.children[2]?.text).toContain('  - noHangs: pass → fail: 2 calls hung past 1 s');
    const surge = testcases.find((t) => t.attributes.name === 'load-surge') as Element;
    expect(surge.children.find((c) => c.name === 'system-out')?.text).toBe(
      'Improvements since baseline run run-6:\n  - driverHealthy: fail → inconclusive',
    );
  });
});
