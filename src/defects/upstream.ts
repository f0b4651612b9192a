import type { UpstreamRunner } from '../upstream/index.ts';

/**
 * upstream-guards-off: the shipping upstream asked with no timeout, no circuit breaker and no
 * bulkhead. A slow or hung upstream holds every get_order_status call as long as it takes, and
 * those calls hold the server's call slots: the other tools are refused BUSY or starve.
 */
export const withoutUpstreamGuards = (_guarded: UpstreamRunner, bare: UpstreamRunner): UpstreamRunner => bare;
