import { createTicket } from './create-ticket.ts';
import { getOrderStatus } from './get-order-status.ts';
import { listOrders } from './list-orders.ts';
import { lookupCustomer } from './lookup-customer.ts';
import type { Tool } from './tool.ts';

export type { Tool, ToolContext } from './tool.ts';

export const TOOLS: readonly Tool[] = [lookupCustomer, listOrders, createTicket, getOrderStatus];
