import { z } from 'zod';
import type { Dataset } from '../dataset/generate.ts';
import { HarnessError } from '../errors.ts';

const ticketsResponse = z.object({
  tickets: z.array(
    z.object({ id: z.string(), tenantId: z.string(), customerId: z.string(), idempotencyKey: z.string() }),
  ),
});

const billingResponse = z.object({
  updates: z.array(
    z.object({ id: z.string(), tenantId: z.string(), customerId: z.string(), idempotencyKey: z.string() }),
  ),
});

const auditResponse = z.object({
  audit: z.array(z.object({ correlationId: z.string().nullable(), tool: z.string(), outcome: z.string() })),
});

/** The target contract's admin port: readiness, version and the dataset endpoints. */
export class TargetAdmin {
  readonly #baseUrl: () => string;
  readonly #token: string;

  constructor(baseUrl: () => string, token: string) {
    this.#baseUrl = baseUrl;
    this.#token = token;
  }

  /**
   * Loads the dataset. A 503 means "not yet" (a target whose /readyz said ready too early: its
   * schema is still being made), so it is retried for up to `retryForMs`; any other refusal is final.
   */
  async loadDataset(dataset: Dataset, retryForMs = 15_000): Promise<void> {
    const body = JSON.stringify(dataset);
    const deadline = Date.now() + retryForMs;
    let response: Response;
    for (;;) {
      response = await fetch(`${this.#baseUrl()}/dataset`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      if (response.status !== 503 || Date.now() >= deadline) break;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!response.ok) {
      throw new HarnessError(
        'TARGET_START',
        `the target refused the dataset (HTTP ${response.status}): ${await response.text()}`,
      );
    }
  }

  async tickets(): Promise<z.infer<typeof ticketsResponse>['tickets']> {
    const response = await fetch(`${this.#baseUrl()}/dataset/tickets`, {
      headers: { authorization: `Bearer ${this.#token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`GET /dataset/tickets answered HTTP ${response.status}`);
    return ticketsResponse.parse(await response.json()).tickets;
  }

  /**
   * The billing updates the target applied (`GET /dataset/billing`: ids and idempotency keys),
   * or undefined when the target has none (404): an optional part of the target contract.
   */
  async billingUpdates(): Promise<z.infer<typeof billingResponse>['updates'] | undefined> {
    const response = await fetch(`${this.#baseUrl()}/dataset/billing`, {
      headers: { authorization: `Bearer ${this.#token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET /dataset/billing answered HTTP ${response.status}`);
    return billingResponse.parse(await response.json()).updates;
  }

  /**
   * The target's audit log (`GET /dataset/audit`), or undefined when the target has none (404):
   * auditing is an optional part of the target contract.
   */
  async audit(): Promise<z.infer<typeof auditResponse>['audit'] | undefined> {
    const response = await fetch(`${this.#baseUrl()}/dataset/audit`, {
      headers: { authorization: `Bearer ${this.#token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET /dataset/audit answered HTTP ${response.status}`);
    return auditResponse.parse(await response.json()).audit;
  }

  async version(): Promise<{ buildId: string; version?: string; defect?: string }> {
    const response = await fetch(`${this.#baseUrl()}/version`, { signal: AbortSignal.timeout(5000) });
    return z
      .object({ buildId: z.string(), version: z.string().optional(), defect: z.string().optional() })
      .parse(await response.json());
  }

  /** The target's /metrics (Prometheus text exposition format), as text. */
  async metrics(timeoutMs = 2000): Promise<string> {
    const response = await fetch(`${this.#baseUrl()}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    if (!response.ok) {
      throw new HarnessError(
        'TARGET_START',
        `GET /metrics on the target's admin port answered HTTP ${response.status}: ${body.slice(0, 200)}`,
      );
    }
    return body;
  }

  /**
   * Switches one of the target's tools on or off at run time (the contract's optional
   * `PUT /flags/<tool>` on the admin port, admin-token protected). A target without it, or one
   * that does not know the tool, is a HarnessError naming its answer.
   */
  async setToolEnabled(tool: string, enabled: boolean): Promise<void> {
    const response = await fetch(`${this.#baseUrl()}/flags/${encodeURIComponent(tool)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) {
      const body = await response.text();
      // 404: the target has no such tool (or no /flags): the scenario asks for what is not there.
      throw new HarnessError(
        response.status === 404 ? 'INVALID_SCENARIO' : 'TARGET_START',
        `the target refused to ${enabled ? 'enable' : 'disable'} ${tool} (PUT /flags/${tool}: HTTP ${response.status}): ${body.slice(0, 200)}`,
      );
    }
  }

  /** One readiness probe: ok and how long it took. */
  async ready(): Promise<{ ok: boolean; latencyMs: number; detail?: string }> {
    const start = performance.now();
    try {
      const response = await fetch(`${this.#baseUrl()}/readyz`, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      return {
        ok: response.ok,
        latencyMs: performance.now() - start,
        detail: response.ok ? undefined : body,
      };
    } catch (error) {
      return { ok: false, latencyMs: performance.now() - start, detail: (error as Error).message };
    }
  }
}
