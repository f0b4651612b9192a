import { z } from 'zod';

/**
 * One audited tool call: who called what, on which records, with what outcome. Ids only, never
 * argument values (subjects and bodies may carry personal data).
 */
export const AuditEntrySchema = z.object({
  /** Unique per entry: replaying the spool inserts each entry at most once. */
  id: z.string().min(1),
  at: z.string(),
  tenantId: z.string(),
  subject: z.string(),
  role: z.string(),
  tool: z.string(),
  recordIds: z.array(z.string()),
  outcome: z.string(),
  correlationId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
