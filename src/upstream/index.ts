export { registerUpstreamMetrics } from './metrics.ts';
export type { UpstreamSettings } from './settings.ts';
export {
  type BreakerState,
  type Shipment,
  type ShipmentLookup,
  ShipmentSchema,
  ShippingClient,
  type UpstreamOutcome,
  type UpstreamRunner,
} from './shipping-client.ts';
