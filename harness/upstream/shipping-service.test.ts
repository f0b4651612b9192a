import { afterEach, describe, expect, it } from 'vitest';
import { shippingStatusOf } from '../checks/shipping.ts';
import { ShippingService } from './shipping-service.ts';

// Real HTTP against the real service on loopback.

const services: ShippingService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
});

async function start(): Promise<ShippingService> {
  const service = await ShippingService.start('127.0.0.1');
  services.push(service);
  return service;
}

async function get(service: ShippingService, path: string) {
  const t = performance.now();
  const response = await fetch(`http://${service.address}${path}`);
  return { status: response.status, body: await response.text(), ms: performance.now() - t };
}

describe('ShippingService', () => {
  it("answers an order's deterministic status", async () => {
    const service = await start();
    const { status, body } = await get(service, '/shipments/ord_abc123');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual(shippingStatusOf('ord_abc123'));
    expect(shippingStatusOf('ord_abc123')).toEqual(shippingStatusOf('ord_abc123'));
    expect(shippingStatusOf('ord_abc123')).not.toEqual(shippingStatusOf('ord_abc124'));
    expect(service.requests).toBe(1);
  });

  it('refuses other paths and ids that are not order ids', async () => {
    const service = await start();
    expect((await get(service, '/nope')).status).toBe(404);
    expect((await get(service, '/shipments/a%20b')).status).toBe(400);
    expect((await get(service, '/shipments/%zz')).status).toBe(400);
  });

  it('answers slowly while slow, then at once again', async () => {
    const service = await start();
    service.setMode({ kind: 'slow', delayMs: 300 });
    const slow = await get(service, '/shipments/ord_1');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    service.heal();
    expect((await get(service, '/shipments/ord_1')).ms).toBeLessThan(200);
  });

  it('fails with the status it is told', async () => {
    const service = await start();
    service.setMode({ kind: 'failing', status: 500 });
    expect((await get(service, '/shipments/ord_1')).status).toBe(500);
    service.setMode({ kind: 'failing', status: 503 });
    expect((await get(service, '/shipments/ord_1')).status).toBe(503);
  });

  it('holds every request while hung and answers them when healed', async () => {
    const service = await start();
    service.setMode({ kind: 'hang' });
    let settled = false;
    const pending = get(service, '/shipments/ord_1').then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    expect(service.requests).toBe(1);
    service.heal();
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual(shippingStatusOf('ord_1'));
  });

  it('answers a slow request at once when healed mid-delay', async () => {
    const service = await start();
    service.setMode({ kind: 'slow', delayMs: 10_000 });
    const pending = get(service, '/shipments/ord_1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    service.heal();
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(answered.ms).toBeLessThan(2_000);
  });
});
