import { afterEach, describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { ShippingService } from '../upstream/index.ts';
import { Fault } from './catalog.ts';
import { errorOf } from './test-support.ts';
import { upstreamFaults } from './upstream-faults.ts';

const loose = upstreamFaults as unknown as Record<string, (...args: unknown[]) => unknown>;

// The faults drive a real shipping service; only the environment around it is reduced to it.
const services: ShippingService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});
async function env(): Promise<{ env: StartedEnvironment; shipping: ShippingService }> {
  const shipping = await ShippingService.start('127.0.0.1');
  services.push(shipping);
  return { env: { shipping } as unknown as StartedEnvironment, shipping };
}

describe('upstream faults', () => {
  it('are in the catalog, named for the journal, on the target→upstream link', () => {
    expect(Fault.upstreamSlow({ delayMs: 3000, afterMs: 100 })).toMatchObject({
      name: 'upstreamSlow(3000ms)',
      link: 'target→upstream',
      afterMs: 100,
    });
    expect(Fault.upstreamFailing()).toMatchObject({ name: 'upstreamFailing(503)', link: 'target→upstream' });
    expect(Fault.upstreamHang({ forMs: 2000 })).toMatchObject({ name: 'upstreamHang()', forMs: 2000 });
  });

  it('set the service’s mode on inject and bring it back to normal on heal, once', async () => {
    const { env: e, shipping } = await env();
    const cases = [
      [Fault.upstreamSlow({ delayMs: 3000 }), { kind: 'slow', delayMs: 3000 }, 'after 3000 ms'],
      [Fault.upstreamFailing({ status: 500 }), { kind: 'failing', status: 500 }, 'HTTP 500'],
      [Fault.upstreamHang(), { kind: 'hang' }, 'unanswered'],
    ] as const;
    for (const [fault, mode, detail] of cases) {
      expect(await fault.inject(e)).toContain(detail);
      expect(shipping.mode).toEqual(mode);
      await fault.heal(e);
      expect(shipping.mode).toEqual({ kind: 'normal' });
    }
  });

  it('heal nothing that was never injected', async () => {
    const { env: e, shipping } = await env();
    shipping.setMode({ kind: 'hang' }); // someone else's fault
    await Fault.upstreamHang().heal(e);
    expect(shipping.mode).toEqual({ kind: 'hang' });
  });

  it('reject bad arguments, naming the bad option', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => loose.upstreamSlow?.({}), /Fault\.upstreamSlow: delayMs must be an integer/],
      [() => loose.upstreamSlow?.({ delayMs: -1 }), /delayMs must be .* got -1/],
      [() => loose.upstreamSlow?.({ delayMs: 10, delay: 5 }), /unknown option\(s\) delay/],
      [
        () => loose.upstreamFailing?.({ status: 404 }),
        /status must be an HTTP status from 500 to 599, got 404/,
      ],
      [() => loose.upstreamHang?.({ forMs: 0 }), /forMs must be/],
      [() => loose.upstreamHang?.('now'), /options must be an object/],
    ];
    for (const [make, message] of cases) {
      const error = errorOf(make);
      expect(error.code).toBe('INVALID_SCENARIO');
      expect(error.message).toMatch(message);
    }
  });
});
