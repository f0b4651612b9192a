// The journal's public face: record schemas and types, the writer, the reader, the digest.

export { canonicalJson, digest, sequenceArgsDigest } from './digest.ts';
export { parseJournal, readJournal, streamJournal } from './reader.ts';
export * from './records.ts';
export { parseRecord } from './validate.ts';
export { type JournalListener, type JournalOptions, type JournalSource, JournalWriter } from './writer.ts';
