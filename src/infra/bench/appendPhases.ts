import { crc32 } from 'node:zlib';
import { canonicalJson } from '../../events/canonicalJson.js';
import { encodeBatch } from '../store/batchEncoder.js';
import type { NewEvent } from '../store/eventStore.js';
import { lineHash } from '../store/hashChain.js';
import { seconds } from './measure.js';

/** Milliseconds per batch of each step of encoding an append, and of the floor under it. */
export type AppendPhases = {
  /** `JSON.stringify` of each event's data alone: what any JSON-lines store pays before it writes. */
  readonly stringifyMs: number;
  readonly canonicalJsonMs: number;
  readonly sha256Ms: number;
  readonly crc32Ms: number;
  /** The whole of encoding a batch of decided events (canonical JSON, seal, chain), as the store does it. */
  readonly encodeMs: number;
  /** The same with the store validating each event's data first. */
  readonly encodeValidatingMs: number;
};

const TAIL = { lastSeq: 1, lastHash: '0'.repeat(64), lastAt: null };
const MAX_EVENT_BYTES = 1 << 20;

/** Best of three passes over every batch, in milliseconds per batch (the first pass also warms the JIT). */
function perBatch(batches: readonly (readonly NewEvent[])[], step: (batch: readonly NewEvent[]) => void): number {
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const start = process.hrtime.bigint();
    for (const batch of batches) step(batch);
    best = Math.min(best, (seconds(start) * 1000) / batches.length);
  }
  return best;
}

/**
 * Where an append's CPU goes, step by step over the same batches the append stage wrote: the phases the
 * raw operation (write + fdatasync of finished bytes) does not have. Each step's result is kept in a sink
 * so that none is optimised away.
 */
export function measureAppendPhases(batches: readonly (readonly NewEvent[])[]): AppendPhases {
  const lines = new Map(batches.map((batch) => [batch, batch.map((event) => Buffer.from(JSON.stringify(event.data)))]));
  let sink = 0;
  const phases: AppendPhases = {
    stringifyMs: perBatch(batches, (batch) => batch.forEach((event) => (sink += JSON.stringify(event.data).length))),
    canonicalJsonMs: perBatch(batches, (batch) => batch.forEach((event) => (sink += canonicalJson(event.data).length))),
    sha256Ms: perBatch(batches, (batch) => lines.get(batch)!.forEach((line) => (sink += lineHash(line).length))),
    crc32Ms: perBatch(batches, (batch) => lines.get(batch)!.forEach((line) => (sink += crc32(line)))),
    encodeMs: perBatch(batches, (batch) => (sink += encodeBatch(batch, TAIL, new Date(), MAX_EVENT_BYTES, true).bytes.length)),
    encodeValidatingMs: perBatch(batches, (batch) => (sink += encodeBatch(batch, TAIL, new Date(), MAX_EVENT_BYTES, false).bytes.length)),
  };
  if (sink < 0) throw new Error('unreachable: the sink only grows');
  return phases;
}
