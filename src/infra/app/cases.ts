import { isDeepStrictEqual } from 'node:util';
import { normaliseInput, type CaseEntry } from '../../projections/caseMemory.js';
import { caseCount, caseEntries, caseOf } from '../../projections/caseTable.js';
import { foldBatches } from '../../projections/fold.js';
import { initialState } from '../../projections/state.js';
import { MemabraError } from '../errors.js';
import { loadState } from './foldedState.js';
import type { Session } from './session.js';

export async function lookupCase(session: Session, text: string): Promise<{ key: string; entry: CaseEntry | null }> {
  const key = normaliseInput(text);
  const state = await loadState(session.store);
  return { key, entry: caseOf(state.cases, key) ?? null };
}

/** The case index, oldest case first (by the seq of the trajectory that set it), cut to the last `limit`. */
export async function listCases(session: Session, limit?: number): Promise<{ cases: CaseEntry[]; total: number }> {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1))
    throw new MemabraError('usage', `--limit takes a whole number of cases, at least 1, not ${limit}`);
  const state = await loadState(session.store);
  const all = [...caseEntries(state.cases)].map(([, entry]) => entry).sort((a, b) => a.seq - b.seq);
  return { cases: limit === undefined ? all : all.slice(-limit), total: all.length };
}

/**
 * Replays the whole log into a fresh case index, with no cache, and checks it against the index the
 * session keeps incrementally: the index is a projection, so the two must be equal.
 */
export async function rebuildCases(session: Session): Promise<{ cases: number; lastSeq: number; matchesIncremental: boolean }> {
  const state = await foldBatches(initialState, session.store.readBatches());
  const incremental = await loadState(session.store);
  const comparable = incremental.lastSeq === state.lastSeq ? incremental : await loadState(session.store, { seq: state.lastSeq });
  const same =
    caseCount(comparable.cases) === caseCount(state.cases) &&
    [...caseEntries(state.cases)].every(([key, entry]) => isDeepStrictEqual(caseOf(comparable.cases, key), entry));
  return { cases: caseCount(state.cases), lastSeq: state.lastSeq, matchesIncremental: same };
}
