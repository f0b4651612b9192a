export { Fault } from './catalog.ts';
export type { Fault as FaultSpec } from './fault.ts';
