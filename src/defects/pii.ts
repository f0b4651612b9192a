import type { Logger } from 'pino';
import type { PiiCipher } from '../pii/cipher.ts';

/**
 * pii-in-logs: the debugging line left in after an incident, logging each answer in full. It puts
 * the answer in the message string, where the logger's redaction (which works on field paths)
 * cannot reach: a customer's email and phone land in the log store, readable by everyone who can
 * read logs. At warn, so the level the harness runs the target with (LOG_LEVEL=warn) emits it.
 */
export function logAnswerInFull(logger: Logger, tool: string, answer: unknown): void {
  logger.warn(`debug: ${tool} answered ${JSON.stringify(answer)}`);
}

/**
 * pii-plaintext: encryption at rest switched off. The columns are still bytea, so nothing looks
 * different from outside; the bytes are simply the plaintext, readable by anyone with the
 * database, a backup or a replica.
 */
export const plaintextCipher: PiiCipher = {
  seal: (plaintext) => Buffer.from(plaintext, 'utf8'),
  open: (sealed) => sealed.toString('utf8'),
};
