import { deserialiseState, sameState, type SerialisedState } from '../../projections/stateCodec.js';
import type { EventStore, VerifyReport } from '../store/eventStore.js';
import { openFold } from '../../projections/fold.js';
import { initialState } from '../../projections/state.js';

/**
 * What `verify` found of the newest snapshot: the one a reader would answer from. `matches`: its state is
 * the fold of the log up to its seq. `ignored`: readers pass over it (it is of another log, another format,
 * or does not decode), so it changes no answer.
 */
export type SnapshotCheck = { readonly seq: number; readonly status: 'matches' | 'ignored' } | null;

export type LogVerification = (VerifyReport & { ok: true; snapshot: SnapshotCheck }) | (VerifyReport & { ok: false });

/**
 * Checks everything an answer can come from: every line of the log (the store's verify), then the snapshot
 * readers would start from, against a fold of the log from the start. A snapshot's checksum only shows it
 * is whole; one rewritten with a recomputed checksum would change answers, so `verify` is not ok while one
 * does not match the log. The fold is made from the batches the store's verify hands over as they check,
 * so the log is read once.
 */
export async function verifyLog(store: EventStore): Promise<LogVerification> {
  const snapshot = await store.snapshots?.load();
  const seq = snapshot?.cursor.seq ?? 0;
  const cached = snapshot ? deserialiseState({ data: snapshot.state as SerialisedState, sections: snapshot.sections }) : null;
  // Only a snapshot that decodes as of its own seq is compared with the log: only then are the lines folded.
  const fold = cached && cached.lastSeq === seq ? openFold(initialState) : null;
  const report = await store.verify(
    fold
      ? (batch) => {
          const last = batch[batch.length - 1];
          fold.add(last && last.seq > seq ? batch.filter((event) => event.seq <= seq) : batch);
        }
      : undefined,
  );
  if (!report.ok) return report;
  if (!snapshot) return { ...report, snapshot: null };
  const reader = await store.readFrom(snapshot.cursor);
  for await (const _batch of reader.batches); // read the tail to the end, so the file is closed
  if (!cached || !fold || !reader.resumed) return { ...report, snapshot: { seq, status: 'ignored' } };
  if (sameState(cached, fold.finish())) return { ...report, snapshot: { seq, status: 'matches' } };
  return {
    ok: false,
    events: report.events,
    error: `the newest snapshot (seq ${seq}) does not match the log up to seq ${seq}: readers answer from it; delete the store's snapshots (they are only a cache) and run verify again`,
  };
}
