import pg from 'pg';
import type { StoredEvent } from '../../events/catalogue.js';
import type { DecodeMode } from './lineCodec.js';
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

/** The same log in PostgreSQL, for fleets of agents on many machines writing to one log. */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): EventStore {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  let ready: Promise<void> | undefined;

  async function query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await pool.query<R>(text, values);
    } catch (error) {
      throw new MemabraError('io', `PostgreSQL store ${location}: ${describe(error)}`);
    }
  }

  /** Creates the tables on first use; an advisory lock keeps two first users from racing. */
  function ensureSchema(): Promise<void> {
    ready ??= (async () => {
      const client = await pool.connect().catch((error: unknown) => {
        throw new MemabraError('io', `cannot connect to PostgreSQL store ${location}: ${describe(error)}`);
      });
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('memabra-schema'))`);
        await client.query(SCHEMA);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new MemabraError('io', `cannot create memabra's tables in ${location}: ${describe(error)}`);
      } finally {
        client.release();
      }
    })();
    return ready;
  }

  async function head(): Promise<Head> {
    await ensureSchema();
    const { rows } = await query<{ last_seq: string; last_hash: string; last_at: string | null }>('SELECT last_seq, last_hash, last_at FROM memabra_head');
    return { lastSeq: Number(rows[0]!.last_seq), lastHash: rows[0]!.last_hash, lastAt: rows[0]!.last_at };
  }

  /** Every complete append after `start`, page by page, through the same checks as the JSONL store. */
  async function* scan(start: Committed, fromSeq: number, mode: DecodeMode): AsyncGenerator<readonly StoredEvent[], Committed> {
    await ensureSchema();
    const checker = createLineChecker(start, fromSeq, mode);
    for (let after = start.seq; ; ) {
      const { rows } = await query<{ seq: string; line: string }>('SELECT seq, line FROM memabra_events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE]);
      for (const row of rows) {
        const batch = checker.check(Buffer.from(row.line));
        if (batch?.length) yield batch;
      }
      if (rows.length < PAGE) return checker.committed;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  /** How far this store has checked the log line by line; a writer extends only a log checked up to its end. */
  let checked: Committed | null = null;

  /** Checks the rows between the last checked point (or the start) and the locked head; throws on the first bad one. */
  async function checkUpTo(tail: { lastSeq: number; lastHash: string }): Promise<void> {
    if (checked && checked.seq === tail.lastSeq && checked.hash === tail.lastHash) return;
    let start = LOG_BEGINNING;
    if (checked && checked.seq > 0 && checked.seq < tail.lastSeq) {
      const { rows } = await query<{ line: string }>('SELECT line FROM memabra_events WHERE seq = $1', [checked.seq]);
      if (rows[0] && lineHash(Buffer.from(rows[0].line)) === checked.hash) start = checked;
    }
    const reader = scan(start, Number.MAX_SAFE_INTEGER, 'sealed');
    let step = await reader.next();
    while (!step.done) step = await reader.next();
    if (step.value.seq !== tail.lastSeq || step.value.hash !== tail.lastHash) {
      throw new MemabraError('corrupt-log', `the log in ${location} does not check up to its head (seq ${tail.lastSeq}); nothing was appended`);
    }
    checked = step.value;
  }

  async function* readBatches(fromSeq = 1): AsyncIterable<readonly StoredEvent[]> {
    checked = yield* scan(LOG_BEGINNING, fromSeq, 'sealed');
  }

  async function readFrom(cursor: ReadCursor | null): Promise<LogReader> {
    await ensureSchema();
    let start = LOG_BEGINNING;
    if (cursor && cursor.seq > 0) {
      const { rows } = await query<{ line: string }>('SELECT line FROM memabra_events WHERE seq = $1', [cursor.seq]);
      if (rows[0] && lineHash(Buffer.from(rows[0].line)) === cursor.hash) start = { seq: cursor.seq, hash: cursor.hash, at: cursor.at, lines: cursor.seq };
    }
    const resumed = cursor === null || cursor.seq === 0 || start.seq === cursor.seq;
    async function* batches(): AsyncGenerator<readonly StoredEvent[], ReadCursor> {
      const committed = yield* scan(start, 1, 'sealed');
      checked = committed;
      return { seq: committed.seq, offset: committed.seq, hash: committed.hash, at: committed.at };
    }
    return { resumed, batches: batches() };
  }

  async function append(events: readonly NewEvent[], { expectedLastSeq, validated = false }: AppendOptions): Promise<AppendResult> {
    await ensureSchema();
    const client = await pool.connect().catch((error: unknown) => {
      throw new MemabraError('io', `cannot connect to PostgreSQL store ${location}: ${describe(error)}`);
    });
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
      const { rows } = await client.query<{ last_seq: string; last_hash: string; last_at: string | null }>('SELECT last_seq, last_hash, last_at FROM memabra_head FOR UPDATE');
      const tail = { lastSeq: Number(rows[0]!.last_seq), lastHash: rows[0]!.last_hash, lastAt: rows[0]!.last_at };
      await checkUpTo(tail);
      if (expectedLastSeq !== 'any' && expectedLastSeq !== tail.lastSeq) {
        throw appendConflict(expectedLastSeq, tail.lastSeq);
      }
      if (events.length === 0) {
        await client.query('COMMIT');
        return { firstSeq: tail.lastSeq + 1, lastSeq: tail.lastSeq, events: [] };
      }
      const batch = encodeBatch(events, tail, now(), maxEventBytes, validated);
      const { stored, lastHash, at } = batch;
      const lines = batchLines(batch);
      const seqs = lines.map((_, i) => tail.lastSeq + i + 1);
      await client.query('INSERT INTO memabra_events (seq, line) SELECT * FROM unnest($1::bigint[], $2::text[])', [seqs, lines]);
      await client.query('UPDATE memabra_head SET last_seq = $1, last_hash = $2, last_at = $3', [tail.lastSeq + lines.length, lastHash, at]);
      await client.query('COMMIT');
      checked = { seq: tail.lastSeq + lines.length, hash: lastHash, at, lines: tail.lastSeq + lines.length };
      return { firstSeq: tail.lastSeq + 1, lastSeq: tail.lastSeq + lines.length, events: stored };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (error instanceof MemabraError) throw error;
      const code = (error as { code?: string }).code;
      if (code === '55P03') throw new MemabraError('lock-timeout', `another writer has held the log in ${location} for more than ${lockTimeoutMs} ms`);
      throw new MemabraError('io', `could not append to ${location}: ${describe(error)}; nothing of this batch was kept`);
    } finally {
      client.release();
    }
  }

  async function verify(): Promise<VerifyReport> {
    let events = 0;
    try {
      const reader = scan(LOG_BEGINNING, 1, 'full');
      let step = await reader.next();
      for (; !step.done; step = await reader.next()) events += step.value.length;
      const committed = step.value;
      const anchor = await head();
      if (anchor.lastSeq !== committed.seq || anchor.lastHash !== committed.hash) {
        return { ok: false, events, error: `the log ends at seq ${committed.seq} but its head row says seq ${anchor.lastSeq}: events are missing or were changed at the end` };
      }
      return { ok: true, events, lastSeq: committed.seq, lastHash: committed.hash, tornTail: null };
    } catch (error) {
      if (error instanceof MemabraError && (error.kind === 'corrupt-log' || error.kind === 'future-schema')) return { ok: false, events, error: error.message };
      throw error;
    }
  }

  /** Snapshots in their own table, with the same bytes and checks as the files of the JSONL store. */
  const snapshots: SnapshotStore = {
    async load(): Promise<Snapshot | null> {
      await ensureSchema();
      const { rows } = await query<{ snapshot: Buffer }>('SELECT snapshot FROM memabra_state_snapshots ORDER BY seq DESC LIMIT 2');
      for (const row of rows) {
        const snapshot = decodeSnapshot(row.snapshot);
        if (snapshot) return snapshot;
      }
      return null;
    },
    async save(snapshot: Snapshot): Promise<void> {
      await ensureSchema();
      await query('INSERT INTO memabra_state_snapshots (seq, snapshot) VALUES ($1, $2) ON CONFLICT (seq) DO NOTHING', [snapshot.cursor.seq, encodeSnapshot(snapshot)]);
      await query('DELETE FROM memabra_state_snapshots WHERE seq < (SELECT min(seq) FROM (SELECT seq FROM memabra_state_snapshots ORDER BY seq DESC LIMIT 2) AS newest)');
    },
  };

  return { location, head, readBatches, readFrom, append, verify, repair: async () => 0, snapshots, close: () => pool.end() };
}
