import type { z } from 'zod';
import { mayRequestCustomer, maySeeCustomer } from '../auth/policy.ts';
import { type CachedReadsDeps, CallReads } from '../cache/index.ts';
import type { Repository } from '../db/repository.ts';
import type { Defects } from '../defects/index.ts';
import type { Customer, Principal, ToolName } from '../domain.ts';
import { notFound, ToolError } from '../errors.ts';
import type { ShippingClient } from '../upstream/index.ts';

export interface ToolContext {
  readonly principal: Principal;
  readonly repository: Repository;
  readonly defects: Defects;
  /** The read cache of lookup_customer and list_orders; without it every read goes to the database. */
  readonly cache?: CachedReadsDeps;
  /** get_order_status's upstream; without it every answer says shipping is unavailable. */
  readonly shipping?: Pick<ShippingClient, 'lookup'>;
}

/** A tool with its types erased, as the MCP layer sees it. */
export interface Tool {
  readonly name: ToolName;
  readonly description: string;
  readonly inputSchema: z.ZodObject;
  readonly outputSchema: z.ZodObject;
  /** Validates `rawArgs`, runs, and validates the result; failures are thrown as ToolError. */
  invoke(context: ToolContext, rawArgs: unknown): Promise<Record<string, unknown>>;
}

export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodObject> {
  readonly name: ToolName;
  readonly description: string;
  readonly inputSchema: I;
  readonly outputSchema: O;
  run(context: ToolContext, args: z.output<I>): Promise<z.output<O>>;
}

function describeIssues(error: z.ZodError): string {
  // zod's messages name the constraint, never the offending value, so they are safe to return.
  return error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`).join('; ');
}

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  definition: ToolDefinition<I, O>,
): Tool {
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: definition.inputSchema,
    outputSchema: definition.outputSchema,
    async invoke(context, rawArgs) {
      const args = definition.inputSchema.safeParse(rawArgs ?? {});
      if (!args.success) throw new ToolError('INVALID_ARGUMENT', describeIssues(args.error));
      const output = await definition.run(context, args.data);
      // Our own answer not matching our own contract is a server bug, never the caller's.
      const checked = definition.outputSchema.safeParse(output);
      if (!checked.success) throw new Error(`output of ${definition.name} violates its schema`);
      return checked.data as Record<string, unknown>;
    },
  };
}

/** The reads of one call, through the server's read cache (keyed by the defects' hook). */
export const callReads = (context: ToolContext): CallReads =>
  new CallReads(context.repository, context.cache, context.defects.cacheKey);

/**
 * Loads a customer the caller may see, or fails with NOT_FOUND — the same answer for "does not
 * exist", "another tenant's" and "another customer's", so existence never leaks. The policy
 * judges the record whatever it came from (`reads`: the database, or the read cache).
 */
export async function resolveCustomer(
  context: ToolContext,
  customerId: string,
  reads: Pick<Repository, 'findCustomer'> = context.repository,
): Promise<Customer> {
  const { principal } = context;
  if (!mayRequestCustomer(principal, customerId)) throw notFound();
  const customer = await reads.findCustomer(principal.tenant, customerId);
  if (!maySeeCustomer(principal, customer)) throw notFound();
  return customer;
}
