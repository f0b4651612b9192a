export { type ShippingMode, ShippingService } from './shipping-service.ts';
