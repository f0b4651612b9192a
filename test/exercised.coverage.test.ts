// Coverage from executed runs: the journals of the scenario suite and of the self-test, read
// back, must show every fault of the catalog injected and healed, every defect of the reference
// server run, and every check of `Expect` judged. A fault kind or a defect that no run exercises
// is a protection nobody has proved. `npm test` (scripts/test.sh) runs this after the suite and
// the self-test, with MCP_CHAOS_COVERAGE_DIRS naming their report directories.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Expect, Fault, streamJournal } from '../harness/index.ts';
import { DEFECT_NAMES } from '../src/defects/names.ts';

const dirs = (process.env.MCP_CHAOS_COVERAGE_DIRS ?? '').split(':').filter(Boolean);

function journals(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return journals(path);
    return entry === 'journal.jsonl' ? [path] : [];
  });
}

/** The catalog entry a journaled fault name comes from: `latency(target→postgres, …)` → latency. */
function faultKind(name: string): string {
  const kind = name.slice(0, name.indexOf('('));
  return kind === 'restart' && name.startsWith('restart(target') ? 'restartTarget' : kind;
}

const injected = new Set<string>();
const healed = new Set<string>();
const defects = new Set<string>();
const checks = new Set<string>();
let files = 0;

beforeAll(async () => {
  if (dirs.length === 0) {
    throw new Error(
      'MCP_CHAOS_COVERAGE_DIRS is not set: run `npm test`, which runs the suite and the self-test first',
    );
  }
  for (const dir of dirs) {
    for (const path of journals(dir)) {
      files++;
      for await (const record of streamJournal(path)) {
        if (record.type === 'fault' && record.event === 'inject') injected.add(faultKind(record.fault));
        if (record.type === 'fault' && record.event === 'heal') healed.add(faultKind(record.fault));
        if (record.type === 'header') {
          const target = String(record.config.target ?? '');
          defects.add(/\((?:deploys )?defect: ([^)]+)\)/.exec(target)?.[1] ?? 'none');
        }
        if (record.type === 'verdict') checks.add(record.check);
      }
    }
  }
}, 120_000);

describe('what the suite and the self-test exercised', () => {
  it('read journals', () => {
    expect(files, `no journal.jsonl under ${dirs.join(', ')}`).toBeGreaterThan(10);
  });

  it('injected and healed every fault of the catalog', () => {
    const catalog = Object.keys(Fault).sort();
    expect(
      catalog.filter((k) => !injected.has(k)),
      'faults never injected',
    ).toEqual([]);
    expect(
      catalog.filter((k) => !healed.has(k)),
      'faults never healed',
    ).toEqual([]);
  });

  it('ran every defect of the reference server, and the good build', () => {
    expect(
      DEFECT_NAMES.filter((d) => !defects.has(d)),
      'defects never run',
    ).toEqual([]);
  });

  it('judged every check of Expect', () => {
    expect(
      Object.keys(Expect).filter((c) => !checks.has(c)),
      'checks never judged',
    ).toEqual([]);
  });
});
