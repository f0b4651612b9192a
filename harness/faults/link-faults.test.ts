// Link faults without a network: options are checked at creation, names say what a fault does,
// and the toxics bookkeeping (what inject adds, what heal removes) is exact. A fake Links stands
// in for Toxiproxy here only to script its failures; test/link-faults.integration.test.ts runs
// every toxic on a real one.
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import type { ToxicSpec } from '../links/index.ts';
import type { LinkName } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { Fault } from './catalog.ts';
import { errorOf } from './test-support.ts';

/** A Toxiproxy double: records toxics per link; `failAdd(n)` makes the n-th add (1-based) fail. */
function fakeEnv(options: { failAdd?: number } = {}) {
  const toxics = new Map<LinkName, ToxicSpec[]>();
  const calls = { add: 0, remove: [] as string[], state: 0 };
  const links = {
    get: (link: LinkName) => ({
      async addToxic(spec: ToxicSpec) {
        calls.add += 1;
        if (calls.add === options.failAdd) throw new HarnessError('TOXIPROXY_API', 'refused');
        toxics.set(link, [...(toxics.get(link) ?? []), spec]);
        return spec.name ?? '';
      },
      async removeToxic(name: string) {
        calls.remove.push(name);
        toxics.set(
          link,
          (toxics.get(link) ?? []).filter((t) => t.name !== name),
        );
      },
    }),
    async state() {
      calls.state += 1;
      return [...toxics].map(([link, list]) => ({
        name: link,
        link,
        toxics: list.map((t) => ({ name: t.name ?? '' })),
      }));
    },
  };
  return { env: { links } as unknown as StartedEnvironment, toxics, calls };
}

function invalid(create: () => unknown): HarnessError {
  const error = errorOf(create);
  expect(error.code).toBe('INVALID_SCENARIO');
  return error;
}

const PG = 'target→postgres';

describe('link fault options', () => {
  it.each([
    [
      () => Fault.latency(PG, { latencyMs: -1 }),
      /latency\("target→postgres"\): latencyMs must be an integer from 0 to 3600000; got -1/,
    ],
    [() => Fault.latency(PG, { latencyMs: 1.5 }), /latencyMs must be an integer/],
    [
      () => Fault.latency(PG, { latencyMs: 100, jitterMs: 150 }),
      /jitterMs must be an integer from 0 to latencyMs \(100\); got 150/,
    ],
    [
      () => Fault.latency(PG, { latencyMs: 100, toxicity: 1.5 }),
      /toxicity must be a number from 0 to 1; got 1.5/,
    ],
    [
      () => Fault.latency(PG, { latencyMs: 100, direction: 'sideways' as 'both' }),
      /direction must be one of 'downstream', 'upstream', 'both'; got "sideways"/,
    ],
    [() => Fault.latency(PG, { latencyMs: 100, forMs: -5 }), /forMs must be a number > 0; got -5/],
    [() => Fault.slowClose(PG, { delayMs: 1, forMs: 0 }), /forMs must be a number > 0; got 0/],
    [
      () => Fault.latency(PG, { latencyMs: 100, afterMs: Number.POSITIVE_INFINITY }),
      /afterMs must be a number ≥ 0; got Infinity/,
    ],
    [
      () => Fault.latency(PG, { latency: 100 } as unknown as { latencyMs: number }),
      /unknown option 'latency' \(options: latencyMs, jitterMs, direction, toxicity, afterMs, forMs\)/,
    ],
    [
      () => Fault.latency(PG, {} as { latencyMs: number }),
      /latencyMs must be an integer from 0 to 3600000; got undefined/,
    ],
    [
      () => Fault.latency('target→nowhere' as LinkName, { latencyMs: 1 }),
      /"target→nowhere" is not a link \(links: client→target, target→postgres, target→identity, target→upstream\)/,
    ],
    [
      () => Fault.bandwidth(PG, { kbPerSecond: 0 }),
      /bandwidth\("target→postgres"\): kbPerSecond must be an integer ≥ 1; got 0/,
    ],
    [
      () => Fault.timeout(PG, { timeoutMs: Number.NaN }),
      /timeoutMs must be an integer from 0 to 3600000; got NaN/,
    ],
    [() => Fault.resetPeer(PG, { timeoutMs: -1 }), /resetPeer\("target→postgres"\): timeoutMs must be/],
    [() => Fault.slicer(PG, { averageSize: 0 }), /averageSize must be an integer ≥ 1; got 0/],
    [
      () => Fault.slicer(PG, { averageSize: 10, sizeVariation: 10 }),
      /sizeVariation must be an integer from 0 to averageSize - 1 \(9\); got 10/,
    ],
    [
      () => Fault.slicer(PG, { averageSize: 10, delayUs: -1 }),
      /delayUs must be an integer from 0 to 3600000000; got -1/,
    ],
    [
      () => Fault.limitData(PG, { bytes: 0 }),
      /limitData\("target→postgres"\): bytes must be an integer ≥ 1; got 0/,
    ],
    [
      () => Fault.slowClose(PG, { delayMs: '5' as unknown as number }),
      /delayMs must be an integer from 0 to 3600000; got "5"/,
    ],
    [
      () => Fault.blackhole(PG, { afterMs: -1 }),
      /blackhole\("target→postgres"\): afterMs must be a number ≥ 0; got -1/,
    ],
    [
      () => Fault.down(PG, { for: 1 } as unknown as { forMs: number }),
      /unknown option 'for' \(options: afterMs, forMs\)/,
    ],
  ])('rejects a bad option at creation, naming it and its range (%#)', (create, message) => {
    expect(invalid(create).message).toMatch(message);
  });

  it('accepts the bounds of every range', () => {
    expect(() => Fault.latency(PG, { latencyMs: 0, toxicity: 0 })).not.toThrow();
    expect(() =>
      Fault.latency(PG, { latencyMs: 100, jitterMs: 100, toxicity: 1, direction: 'both' }),
    ).not.toThrow();
    expect(() => Fault.slicer(PG, { averageSize: 10, sizeVariation: 9, delayUs: 0 })).not.toThrow();
    expect(() => Fault.timeout(PG, { timeoutMs: 0, afterMs: 0, forMs: 0.5 })).not.toThrow();
    expect(() => Fault.resetPeer(PG)).not.toThrow();
  });
});

describe('link fault names say what they do', () => {
  it.each([
    [Fault.latency(PG, { latencyMs: 300 }), 'latency(target→postgres, 300 ms, downstream)'],
    [
      Fault.latency(PG, { latencyMs: 300, jitterMs: 50, direction: 'both' }),
      'latency(target→postgres, 300 ms ± 50 ms, both)',
    ],
    [Fault.bandwidth(PG, { kbPerSecond: 10 }), 'bandwidth(target→postgres, 10 KB/s, downstream)'],
    [
      Fault.timeout('client→target', { timeoutMs: 0, direction: 'upstream' }),
      'timeout(client→target, drops data, never closes, upstream)',
    ],
    [
      Fault.timeout(PG, { timeoutMs: 500 }),
      'timeout(target→postgres, drops data, closes after 500 ms, downstream)',
    ],
    [Fault.resetPeer(PG), 'resetPeer(target→postgres, resets on first data, downstream)'],
    [
      Fault.resetPeer(PG, { timeoutMs: 200, toxicity: 0.5 }),
      'resetPeer(target→postgres, resets 200 ms after first data, downstream, toxicity 0.5)',
    ],
    [
      Fault.slicer(PG, { averageSize: 64, sizeVariation: 32, delayUs: 100 }),
      'slicer(target→postgres, 64±32 B slices, 100 µs apart, downstream)',
    ],
    [Fault.slicer(PG, { averageSize: 64 }), 'slicer(target→postgres, 64 B slices, downstream)'],
    [Fault.limitData(PG, { bytes: 1000 }), 'limitData(target→postgres, closes after 1000 B, downstream)'],
    [Fault.slowClose(PG, { delayMs: 500 }), 'slowClose(target→postgres, close delayed 500 ms, downstream)'],
    [Fault.blackhole(PG), 'blackhole(target→postgres)'],
    [Fault.down(PG), 'down(target→postgres)'],
  ])('%#: %s', (fault, name) => {
    expect(fault.name).toBe(name);
    expect(fault.link).toBe(fault.name.includes('client→target') ? 'client→target' : PG);
  });

  it('carries its timing, and nothing else, onto the fault', () => {
    const fault = Fault.latency(PG, { latencyMs: 5, afterMs: 100, forMs: 2000 });
    expect(fault).toMatchObject({ afterMs: 100, forMs: 2000 });
    expect(Object.keys(fault)).not.toContain('latencyMs');
    expect(Object.keys(Fault.latency(PG, { latencyMs: 5 }))).not.toContain('afterMs');
  });
});

describe('link fault toxics', () => {
  it('puts the toxic Toxiproxy expects on the link, with its attributes, stream and toxicity', async () => {
    const cases: [ReturnType<typeof Fault.latency>, Partial<ToxicSpec>][] = [
      [
        Fault.latency(PG, { latencyMs: 300, jitterMs: 20 }),
        { type: 'latency', attributes: { latency: 300, jitter: 20 } },
      ],
      [
        Fault.bandwidth(PG, { kbPerSecond: 10, direction: 'upstream' }),
        { type: 'bandwidth', attributes: { rate: 10 }, stream: 'upstream' },
      ],
      [Fault.timeout(PG, { timeoutMs: 0 }), { type: 'timeout', attributes: { timeout: 0 } }],
      [
        Fault.resetPeer(PG, { toxicity: 0.25 }),
        { type: 'reset_peer', attributes: { timeout: 0 }, toxicity: 0.25 },
      ],
      [
        Fault.slicer(PG, { averageSize: 8 }),
        { type: 'slicer', attributes: { average_size: 8, size_variation: 0, delay: 0 } },
      ],
      [Fault.limitData(PG, { bytes: 64 }), { type: 'limit_data', attributes: { bytes: 64 } }],
      [Fault.slowClose(PG, { delayMs: 10 }), { type: 'slow_close', attributes: { delay: 10 } }],
    ];
    for (const [fault, expected] of cases) {
      const { env, toxics } = fakeEnv();
      await fault.inject(env);
      expect(toxics.get(PG)).toEqual([
        {
          stream: 'downstream',
          toxicity: 1,
          ...expected,
          name: expect.stringMatching(/^[a-z_]+-(up|down)stream-[0-9a-f]{8}$/),
        },
      ]);
      await fault.heal(env);
      expect(toxics.get(PG)).toEqual([]);
    }
  });

  it("'both' adds one toxic per direction and heal removes both", async () => {
    const { env, toxics } = fakeEnv();
    const fault = Fault.latency(PG, { latencyMs: 50, direction: 'both' });
    await fault.inject(env);
    expect(toxics.get(PG)?.map((t) => t.stream)).toEqual(['downstream', 'upstream']);
    await fault.heal(env);
    expect(toxics.get(PG)).toEqual([]);
  });

  it('heal after a half-failed inject removes exactly what was added, and only once', async () => {
    const { env, toxics, calls } = fakeEnv({ failAdd: 3 });
    // Someone else's toxic on the same link: never touched.
    await env.links.get(PG).addToxic({ type: 'slicer', attributes: {}, name: 'foreign' });
    const fault = Fault.bandwidth(PG, { kbPerSecond: 1, direction: 'both' });
    await expect(fault.inject(env)).rejects.toThrow('refused');
    const added = toxics.get(PG)?.[1]?.name;
    expect(toxics.get(PG)?.map((t) => t.stream)).toEqual([undefined, 'downstream']);
    await fault.heal(env);
    expect(calls.remove).toEqual([added]);
    expect(toxics.get(PG)?.map((t) => t.name)).toEqual(['foreign']);
    // Idempotent: nothing left to remove, and Toxiproxy is not even asked.
    const asked = calls.state;
    await fault.heal(env);
    expect(calls.remove).toEqual([added]);
    expect(calls.state).toBe(asked);
  });

  it('heal after Toxiproxy was reset removes nothing and does not fail', async () => {
    const { env, toxics, calls } = fakeEnv();
    const fault = Fault.timeout(PG, { timeoutMs: 0, direction: 'both' });
    await fault.inject(env);
    toxics.set(PG, []);
    await fault.heal(env);
    expect(calls.remove).toEqual([]);
  });

  it('a failed removal is retried by the next heal, without removing twice', async () => {
    const { env, toxics, calls } = fakeEnv();
    const fault = Fault.latency(PG, { latencyMs: 1, direction: 'both' });
    await fault.inject(env);
    const [first, second] = (toxics.get(PG) ?? []).map((t) => t.name);
    const link = env.links.get(PG);
    let failures = 1;
    const flaky = {
      ...link,
      async removeToxic(name: string) {
        if (name === second && failures-- > 0) throw new HarnessError('TOXIPROXY_API', 'busy');
        await link.removeToxic(name);
      },
    };
    const flakyEnv = { links: { ...env.links, get: () => flaky } } as unknown as StartedEnvironment;
    await expect(fault.heal(flakyEnv)).rejects.toThrow('busy');
    await fault.heal(flakyEnv);
    expect(calls.remove).toEqual([first, second]);
    expect(toxics.get(PG)).toEqual([]);
  });

  it('blackhole drops data both ways and keeps connections open', async () => {
    const { env, toxics } = fakeEnv();
    const fault = Fault.blackhole(PG);
    await fault.inject(env);
    expect(toxics.get(PG)?.map((t) => [t.type, t.stream, t.attributes])).toEqual([
      ['timeout', 'upstream', { timeout: 0 }],
      ['timeout', 'downstream', { timeout: 0 }],
    ]);
    await fault.heal(env);
    expect(toxics.get(PG)).toEqual([]);
  });
});
