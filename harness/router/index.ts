export { Router } from './router.ts';
export type { InstanceCounts, RouterEvent, RouterInstance, RouterOptions } from './types.ts';
