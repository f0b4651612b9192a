export { ShippingService, type ShippingMode } from './shipping-service.ts';
