import { parseSealedLine, trustedEnvelope, type DecodeMode, type DecodeResult } from './sealedLine.js';

/**
 * How the store's readers decode a line, loading the schemas only when a line needs them. A sealed read
 * of current-version lines (opening a log from a snapshot, a one-shot `status`) checks no schema, and zod
 * with the event schemas is about 60 ms of a process's start; an append, `verify`, an older or unusual
 * line needs them. The readers are synchronous (they step through the log's bytes) and an ES module loads
 * asynchronously, so a reader that meets such a line before the schemas are loaded hands back
 * SCHEMAS_NEEDED without having consumed it; the asynchronous caller loads them (loadLineSchemas) and
 * offers the same line again, which then decodes exactly as lineCodec's decodeLine decodes it.
 */

/** A line that cannot be decoded until the schemas are loaded; nothing of it was taken. */
export const SCHEMAS_NEEDED: unique symbol = Symbol('line schemas needed');
export type SchemasNeeded = typeof SCHEMAS_NEEDED;

let schemaCodec: typeof import('./lineCodec.js') | null = null;

/** Loads the codec with the schemas (once); from then on every line decodes without SCHEMAS_NEEDED. */
export async function loadLineSchemas(): Promise<void> {
  schemaCodec ??= await import('./lineCodec.js');
}

/** What lineCodec's decodeLine gives for the line, or SCHEMAS_NEEDED when that takes the schemas and they are not loaded yet. */
export function decodeStoredLine(line: Uint8Array | string, mode: DecodeMode): DecodeResult | SchemasNeeded {
  if (schemaCodec) return schemaCodec.decodeLine(line, mode);
  if (mode === 'full') return SCHEMAS_NEEDED;
  const parsed = parseSealedLine(line);
  if (!parsed.ok) return parsed;
  const trusted = trustedEnvelope(parsed.raw);
  return trusted ? { ok: true, envelope: trusted } : SCHEMAS_NEEDED;
}

/** Thrown by a synchronous read that met a line needing the schemas; withLineSchemas catches it. */
class LineSchemasNeeded extends Error {
  constructor() {
    super('a line of the log needs the schemas, which were not loaded (withLineSchemas loads them)');
  }
}

/** Ends a synchronous read at a line that needs the schemas: `withLineSchemas` loads them and reads again. */
export function needSchemas(): never {
  throw new LineSchemasNeeded();
}

/** Runs a synchronous read of the log; SCHEMAS_NEEDED when it met a line that needs the schemas before they are loaded. */
export function unlessSchemasNeeded<T>(read: () => T): T | SchemasNeeded {
  try {
    return read();
  } catch (error) {
    if (error instanceof LineSchemasNeeded) return SCHEMAS_NEEDED;
    throw error;
  }
}

/**
 * Runs a synchronous read of the log (one that only reads, so running it twice gives the same answer);
 * when it meets a line that needs the schemas, loads them and runs it again.
 */
export async function withLineSchemas<T>(read: () => T): Promise<T> {
  const result = unlessSchemasNeeded(read);
  if (result !== SCHEMAS_NEEDED) return result;
  await loadLineSchemas();
  return read();
}
