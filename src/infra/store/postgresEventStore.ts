import pg from 'pg';
import type { StoredEvent } from '../../events/catalogue.js';
import { decodeLine, type DecodeMode } from './lineCodec.js';
import { GENESIS_HASH, lineHash } from './hashChain.js';
import { appendConflict, MemabraError } from '../errors.js';
import { batchLines, encodeBatch } from './batchEncoder.js';
import {
  DEFAULT_MAX_EVENT_BYTES,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type Head,
  type LogReader,
  type NewEvent,
  type ReadCursor,
  type Snapshot,
  type SnapshotStore,
  type VerifyReport,
} from './eventStore.js';
import { decodeSnapshot, encodeSnapshot } from './snapshotCodec.js';
import { createLineChecker, LOG_BEGINNING, type Committed } from './lineChecker.js';
import { loadLineSchemas, needSchemas, SCHEMAS_NEEDED } from './lineDecoder.js';

export type PostgresStoreOptions = { maxEventBytes?: number; lockTimeoutMs?: number; now?: () => Date };

const PAGE = 5000;

/*
 * Two tables. memabra_events holds each event's sealed line, byte for byte what the JSONL store writes, so
 * the hash chain, the seals and verify are the same. memabra_head is one row: the last seq and the hash of
 * its line. Every append locks that row (SELECT ... FOR UPDATE) for the length of its transaction, so
 * appends commit in seq order: a reader that sees seq N has already seen every seq before it, and no
 * reader can skip an event committed late (the problem sequence-based event stores solve with transaction
 * id watermarks; a single serialising row is simpler, and one writer at a time is the same guarantee the
 * JSONL store gives). The head row also anchors the log's end: deleting trailing rows is caught by verify.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS memabra_events (
  seq bigint PRIMARY KEY,
  line text NOT NULL
);
CREATE TABLE IF NOT EXISTS memabra_head (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_seq bigint NOT NULL,
  last_hash text NOT NULL,
  last_at text
);
DROP TABLE IF EXISTS memabra_snapshots;
CREATE TABLE IF NOT EXISTS memabra_state_snapshots (
  seq bigint PRIMARY KEY,
  snapshot bytea NOT NULL
);
INSERT INTO memabra_head (id, last_seq, last_hash, last_at) VALUES (true, 0, '${GENESIS_HASH}', NULL) ON CONFLICT (id) DO NOTHING;
`;

function describe(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** One log's pool and settings, and what this store has learnt of the log. */
type PostgresLog = {
  readonly pool: pg.Pool;
  readonly maxEventBytes: number;
  readonly lockTimeoutMs: number;
  readonly now: () => Date;
  /** The URL without its password, for messages. */
  readonly location: string;
  /** The tables, created on first use. */
  ready: Promise<void> | undefined;
  /** How far this store has checked the log line by line; a writer extends only a log checked up to its end. */
  checked: Committed | null;
};

/** The same log in PostgreSQL, for fleets of agents on many machines writing to one log. */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): EventStore {
  const log: PostgresLog = {
    pool: new pg.Pool({ connectionString: url, max: 4 }),
    maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
    now: options.now ?? (() => new Date()),
    location: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    ready: undefined,
    checked: null,
  };
  return {
    location: log.location,
    head: () => readHead(log),
    readBatches: (fromSeq) => readBatches(log, fromSeq),
    readFrom: (cursor) => readFrom(log, cursor),
    append: (events, appendOptions) => append(log, events, appendOptions),
    verify: (onBatch) => verify(log, onBatch),
    repair: async () => 0,
    snapshots: snapshotTable(log),
    close: () => log.pool.end(),
  };
}

async function query<R extends pg.QueryResultRow>(log: PostgresLog, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await log.pool.query<R>(text, values);
  } catch (error) {
    throw new MemabraError('io', `PostgreSQL store ${log.location}: ${describe(error)}`);
  }
}

function connect(log: PostgresLog): Promise<pg.PoolClient> {
  return log.pool.connect().catch((error: unknown) => {
    throw new MemabraError('io', `cannot connect to PostgreSQL store ${log.location}: ${describe(error)}`);
  });
}

/** Creates the tables on first use; an advisory lock keeps two first users from racing. */
function ensureSchema(log: PostgresLog): Promise<void> {
  log.ready ??= (async () => {
    const client = await connect(log);
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('memabra-schema'))`);
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw new MemabraError('io', `cannot create memabra's tables in ${log.location}: ${describe(error)}`);
    } finally {
      client.release();
    }
  })();
  return log.ready;
}

async function readHead(log: PostgresLog): Promise<Head> {
  await ensureSchema(log);
  const { rows } = await query<{ last_seq: string; last_hash: string; last_at: string | null }>(log, 'SELECT last_seq, last_hash, last_at FROM memabra_head');
  return { lastSeq: Number(rows[0]!.last_seq), lastHash: rows[0]!.last_hash, lastAt: rows[0]!.last_at };
}

/** Every complete append after `start`, page by page, through the same checks as the JSONL store. */
async function* scan(log: PostgresLog, start: Committed, fromSeq: number, mode: DecodeMode): AsyncGenerator<readonly StoredEvent[], Committed> {
  await ensureSchema(log);
  // This store loads the codec with the schemas anyway (startBefore, appends): its checker never pauses.
  await loadLineSchemas();
  const checker = createLineChecker(start, fromSeq, mode);
  for (let after = start.seq; ;) {
    const { rows } = await query<{ seq: string; line: string }>(log, 'SELECT seq, line FROM memabra_events WHERE seq > $1 ORDER BY seq LIMIT $2', [
      after,
      PAGE,
    ]);
    for (const row of rows) {
      const batch = checker.check(Buffer.from(row.line));
      if (batch === SCHEMAS_NEEDED) needSchemas();
      if (batch?.length) yield batch;
    }
    if (rows.length < PAGE) return checker.committed;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/** Whether the row at `seq` still holds the line whose hash a cursor or a check point took. */
async function lineAtSeqIs(log: PostgresLog, seq: number, hash: string): Promise<boolean> {
  const { rows } = await query<{ line: string }>(log, 'SELECT line FROM memabra_events WHERE seq = $1', [seq]);
  return rows[0] !== undefined && lineHash(Buffer.from(rows[0].line)) === hash;
}

/** Checks the rows between the last checked point (or the start) and the locked head; throws on the first bad one. */
async function checkUpTo(log: PostgresLog, tail: { lastSeq: number; lastHash: string }): Promise<void> {
  const { checked } = log;
  if (checked && checked.seq === tail.lastSeq && checked.hash === tail.lastHash) return;
  let start = LOG_BEGINNING;
  if (checked && checked.seq > 0 && checked.seq < tail.lastSeq && (await lineAtSeqIs(log, checked.seq, checked.hash))) start = checked;
  const reader = scan(log, start, Number.MAX_SAFE_INTEGER, 'sealed');
  let step = await reader.next();
  while (!step.done) step = await reader.next();
  if (step.value.seq !== tail.lastSeq || step.value.hash !== tail.lastHash) {
    throw new MemabraError('corrupt-log', `the log in ${log.location} does not check up to its head (seq ${tail.lastSeq}); nothing was appended`);
  }
  log.checked = step.value;
}

async function* readBatches(log: PostgresLog, fromSeq = 1): AsyncIterable<readonly StoredEvent[]> {
  const start = await startBefore(log, fromSeq);
  const committed = yield* scan(log, start, fromSeq, 'sealed');
  // A read that started past what this store had checked leaves the rows before it unchecked.
  if (start.seq === 0 || (log.checked && log.checked.seq >= start.seq)) log.checked = committed;
}

/**
 * Where a read from `seq` starts: right after the row of seq - 1, its hash and time taken from it, so the
 * rows from `seq` on are read and checked and the ones before are trusted, as a read from a snapshot's
 * cursor trusts them (`verify` checks them). From the beginning when `seq` is 1 or that row does not decode.
 */
async function startBefore(log: PostgresLog, seq: number): Promise<Committed> {
  if (seq <= 1) return LOG_BEGINNING;
  await ensureSchema(log);
  const { rows } = await query<{ line: string }>(log, 'SELECT line FROM memabra_events WHERE seq = $1', [seq - 1]);
  if (!rows[0]) return LOG_BEGINNING;
  const line = Buffer.from(rows[0].line);
  const decoded = decodeLine(line);
  if (!decoded.ok || decoded.envelope.seq !== seq - 1) return LOG_BEGINNING;
  return { seq: seq - 1, hash: lineHash(line), at: decoded.envelope.at, lines: seq - 1 };
}

async function readFrom(log: PostgresLog, cursor: ReadCursor | null): Promise<LogReader> {
  await ensureSchema(log);
  let start = LOG_BEGINNING;
  if (cursor && cursor.seq > 0 && (await lineAtSeqIs(log, cursor.seq, cursor.hash)))
    start = { seq: cursor.seq, hash: cursor.hash, at: cursor.at, lines: cursor.seq };
  const resumed = cursor === null || cursor.seq === 0 || start.seq === cursor.seq;
  async function* batches(): AsyncGenerator<readonly StoredEvent[], ReadCursor> {
    const committed = yield* scan(log, start, 1, 'sealed');
    log.checked = committed;
    return { seq: committed.seq, offset: committed.seq, hash: committed.hash, at: committed.at };
  }
  return { resumed, batches: batches() };
}

async function append(log: PostgresLog, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
  await ensureSchema(log);
  const client = await connect(log);
  try {
    await client.query('BEGIN');
    return await appendInTransaction(log, client, events, options);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if (error instanceof MemabraError) throw error;
    const code = (error as { code?: string }).code;
    if (code === '55P03') throw new MemabraError('lock-timeout', `another writer has held the log in ${log.location} for more than ${log.lockTimeoutMs} ms`);
    throw new MemabraError('io', `could not append to ${log.location}: ${describe(error)}; nothing of this batch was kept`);
  } finally {
    client.release();
  }
}

/** An append inside its transaction: the head row locked and checked up to, the batch inserted, committed. */
async function appendInTransaction(
  log: PostgresLog,
  client: pg.PoolClient,
  events: readonly NewEvent[],
  { expectedLastSeq, validated = false }: AppendOptions,
): Promise<AppendResult> {
  await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(log.lockTimeoutMs))}`);
  const { rows } = await client.query<{ last_seq: string; last_hash: string; last_at: string | null }>(
    'SELECT last_seq, last_hash, last_at FROM memabra_head FOR UPDATE',
  );
  const tail = { lastSeq: Number(rows[0]!.last_seq), lastHash: rows[0]!.last_hash, lastAt: rows[0]!.last_at };
  await checkUpTo(log, tail);
  if (expectedLastSeq !== 'any' && expectedLastSeq !== tail.lastSeq) {
    throw appendConflict(expectedLastSeq, tail.lastSeq);
  }
  if (events.length === 0) {
    await client.query('COMMIT');
    return { firstSeq: tail.lastSeq + 1, lastSeq: tail.lastSeq, events: [] };
  }
  const batch = encodeBatch(events, tail, log.now(), log.maxEventBytes, validated);
  const { stored, lastHash, at } = batch;
  const lines = batchLines(batch);
  const seqs = lines.map((_, i) => tail.lastSeq + i + 1);
  await client.query('INSERT INTO memabra_events (seq, line) SELECT * FROM unnest($1::bigint[], $2::text[])', [seqs, lines]);
  await client.query('UPDATE memabra_head SET last_seq = $1, last_hash = $2, last_at = $3', [tail.lastSeq + lines.length, lastHash, at]);
  await client.query('COMMIT');
  log.checked = { seq: tail.lastSeq + lines.length, hash: lastHash, at, lines: tail.lastSeq + lines.length };
  return { firstSeq: tail.lastSeq + 1, lastSeq: tail.lastSeq + lines.length, events: stored };
}

async function verify(log: PostgresLog, onBatch?: (batch: readonly StoredEvent[]) => void): Promise<VerifyReport> {
  let events = 0;
  try {
    const reader = scan(log, LOG_BEGINNING, 1, 'full');
    let step = await reader.next();
    for (; !step.done; step = await reader.next()) {
      events += step.value.length;
      onBatch?.(step.value);
    }
    const committed = step.value;
    const anchor = await readHead(log);
    if (anchor.lastSeq !== committed.seq || anchor.lastHash !== committed.hash) {
      return {
        ok: false,
        events,
        error: `the log ends at seq ${committed.seq} but its head row says seq ${anchor.lastSeq}: events are missing or were changed at the end`,
      };
    }
    return { ok: true, events, lastSeq: committed.seq, lastHash: committed.hash, tornTail: null };
  } catch (error) {
    if (error instanceof MemabraError && (error.kind === 'corrupt-log' || error.kind === 'future-schema')) return { ok: false, events, error: error.message };
    throw error;
  }
}

/** Snapshots in their own table, with the same bytes and checks as the files of the JSONL store. */
function snapshotTable(log: PostgresLog): SnapshotStore {
  return {
    async load(): Promise<Snapshot | null> {
      await ensureSchema(log);
      const { rows } = await query<{ snapshot: Buffer }>(log, 'SELECT snapshot FROM memabra_state_snapshots ORDER BY seq DESC LIMIT 2');
      for (const row of rows) {
        const snapshot = decodeSnapshot(row.snapshot);
        if (snapshot) return snapshot;
      }
      return null;
    },
    async save(snapshot: Snapshot): Promise<void> {
      await ensureSchema(log);
      await query(log, 'INSERT INTO memabra_state_snapshots (seq, snapshot) VALUES ($1, $2) ON CONFLICT (seq) DO NOTHING', [
        snapshot.cursor.seq,
        encodeSnapshot(snapshot),
      ]);
      await query(
        log,
        'DELETE FROM memabra_state_snapshots WHERE seq < (SELECT min(seq) FROM (SELECT seq FROM memabra_state_snapshots ORDER BY seq DESC LIMIT 2) AS newest)',
      );
    },
  };
}
