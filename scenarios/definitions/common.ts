import { type ConstantArrivalRateWorkload, Workload } from '../../harness/index.ts';

/**
 * The suite's load: 20 calls/s from the agents of three tenants. A call may take up to ~5 s
 * while a dependency is away, so 40 sessions per identity keep the arrival rate without dropped
 * calls; the client's own budget (15 s) is far above anything a healthy server should need.
 */
export function agents(
  rate = 20,
  options: Omit<ConstantArrivalRateWorkload, 'rate' | 'executor'> = {},
): ConstantArrivalRateWorkload {
  return Workload.arrivalRate(rate, {
    roles: ['agent'],
    callTimeout: '15s',
    maxInFlightPerIdentity: 40,
    ...options,
  });
}

/**
 * What normal looks like for the reference server on a small CI machine: generous on latency
 * (two cores shared with the driver, PostgreSQL and Toxiproxy), strict on errors.
 */
export const STEADY = { 'p(95)': '<500ms', errorRate: '<1%' } as const;
