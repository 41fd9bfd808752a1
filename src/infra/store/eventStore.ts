import type { DomainEvent, StoredEvent } from '../../events/catalogue.js';

/** An event the caller wants appended; the id is the caller's (ids are injected, never made up here). */
export type NewEvent = DomainEvent & { id: string };

export type Head = { lastSeq: number; lastHash: string; lastAt: string | null };

export type AppendOptions = {
  /** The seq the caller's decision was based on; 'any' appends whatever the log holds now. */
  expectedLastSeq: number | 'any';
  /**
   * True only when every event's data is already known to be valid against its schema, so the store
   * need not validate it again before sealing it: the command handler's append of what a decider built
   * from input the shell parsed with those schemas (a command registration's `validated`). Any other
   * caller leaves it out and the store validates every event, as a sealed line must hold valid data.
   */
  validated?: boolean;
};

export type VerifyReport =
  | { ok: true; events: number; lastSeq: number; lastHash: string; tornTail: { firstLine: number; bytes: number; reason: string } | null }
  | { ok: false; events: number; error: string };

/**
 * Where a reader stopped: after the complete append ending at `seq`, `offset` bytes into the log, whose
 * last line hashes to `hash`. A store resumes from it after checking that the line is still there.
 */
export type ReadCursor = { readonly seq: number; readonly offset: number; readonly hash: string; readonly at: string | null };

/** A cache of the projections after the append a cursor points at; `state` is opaque to the store. */
/** A cache of the projections at a cursor: JSON-able data plus binary sections (see stateCodec). */
export type Snapshot = { readonly cursor: ReadCursor; readonly state: unknown; readonly sections: readonly Uint8Array[] };

export type SnapshotStore = { load(): Promise<Snapshot | null>; save(snapshot: Snapshot): Promise<void> };

/** Appends after a cursor; `resumed` is false when the log no longer matches it and reading starts over. */
export type LogReader = { readonly resumed: boolean; readonly batches: AsyncGenerator<readonly StoredEvent[], ReadCursor> };

export type AppendResult = { firstSeq: number; lastSeq: number; events: readonly StoredEvent[] };

/**
 * The port every event store implements (JSONL file, PostgreSQL). Appends are all or nothing, durable
 * when they return, and conditional on the expected last seq; readers see complete appends only.
 */
export interface EventStore {
  readonly location: string;
  head(): Promise<Head>;
  /**
   * The events of complete appends, in order, in batches, with every event from `fromSeq` on. The read
   * starts at `fromSeq` (the JSONL file is bisected for its line, PostgreSQL reads from its row) and checks
   * every line from there; the lines before it are trusted, as a read from a snapshot's cursor trusts
   * them, and `verify` checks them. The first batch holds the part of its append from `fromSeq` on. A
   * batch is an append or, for a long append, a piece of one (the JSONL store hands them over as they
   * check: logScanner.ts); an unfinished append is never read, and a read that throws must be dropped
   * whole.
   */
  readBatches(fromSeq?: number): AsyncIterable<readonly StoredEvent[]>;
  /**
   * The events of complete appends after a cursor (from the start when null, or when the log no longer
   * matches it), in batches as readBatches gives them, and the cursor after the last of them.
   */
  readFrom(cursor: ReadCursor | null): Promise<LogReader>;
  /** Where snapshots of the projections are kept, if this store keeps them. */
  readonly snapshots?: SnapshotStore;
  append(events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Checks every line (schemas, sequence, hash chain, seals); names the first bad one. Each batch is handed
   * to `onBatch` once it has checked, so a caller can fold the log in the same pass (a batch handed over
   * before a bad line is still handed over: the report says where the log went bad).
   */
  verify(onBatch?: (batch: readonly StoredEvent[]) => void): Promise<VerifyReport>;
  /** Drops the remains of an unfinished append, as the next writer would; returns the bytes dropped. */
  repair(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
