import { PersistentMap } from './persistentMap.js';
import type { CaseEntry } from './caseMemory.js';

/**
 * The cases a snapshot held, as its section's decoded columns: a map from key to row, and each row's entry
 * made on first use (the same object every time). Loading 15,000 cases into a persistent map cost 50 to
 * 200 ms in a new process (hashing every key, building the trie), more than the rest of the snapshot; a
 * plain map of keys costs about 2 ms, and an open looks up only the tail's requests.
 */
export type SnapshotCases = { readonly rows: ReadonlyMap<string, number>; readonly entryAt: (row: number) => CaseEntry };

/**
 * The case index: a snapshot's cases, under a persistent map (Immutable.js) of the cases set since, which
 * hide the snapshot's case of the same key. A new state shares all but a path of O(log n) nodes of the
 * changed cases with the old one, where immer would copy the whole map on every fold, and shares the
 * snapshot's cases whole. A state folded from the start has every case in `changed`.
 */
export type CaseIndex = {
  readonly base: SnapshotCases;
  readonly changed: PersistentMap<string, CaseEntry>;
  /** The keys of `changed` that the base does not have, so the size is known without a walk. */
  readonly added: number;
};

/**
 * A fold's view of the index: the cases it sets go in `fresh`, a plain map the fold alone sees, over the
 * state's `changed` (read, never written), and are put into a new persistent map at the fold's end. A
 * replay looks up a case for every trajectory and sets one for many: in a plain map that costs a fraction
 * of a persistent map's (which hashes a long key again on every access), and the persistent map is
 * written once per key a fold changed, not once per event.
 */
export type CaseIndexDraft = {
  readonly base: SnapshotCases;
  readonly changed: PersistentMap<string, CaseEntry>;
  readonly fresh: Map<string, CaseEntry>;
  added: number;
};

const noCases: SnapshotCases = Object.freeze({
  rows: new Map<string, number>(),
  entryAt: (row: number): CaseEntry => {
    throw new RangeError(`no case at row ${row}`);
  },
});

/** Frozen, so immer (which folds the state) leaves the index alone instead of walking the snapshot's map. */
function sealed(index: CaseIndex): CaseIndex {
  return Object.freeze(index);
}

export const emptyCaseIndex: CaseIndex = sealed({ base: noCases, changed: PersistentMap(), added: 0 });

/** A snapshot's cases, with nothing changed since. */
export function caseIndexOf(base: SnapshotCases): CaseIndex {
  return sealed({ base, changed: PersistentMap(), added: 0 });
}

/** A case index of these entries (a format-6 snapshot's, or a test's). */
export function caseIndexOfEntries(entries: Iterable<readonly [string, CaseEntry]>): CaseIndex {
  const changed = PersistentMap<string, CaseEntry>(entries as Iterable<[string, CaseEntry]>);
  return sealed({ base: noCases, changed, added: changed.size });
}

export function caseOf(index: CaseIndex | CaseIndexDraft, key: string): CaseEntry | undefined {
  const fresh = 'fresh' in index ? index.fresh.get(key) : undefined;
  if (fresh !== undefined) return fresh;
  const changed = index.changed.get(key);
  if (changed !== undefined) return changed;
  const row = index.base.rows.get(key);
  return row === undefined ? undefined : index.base.entryAt(row);
}

export function caseCount(index: CaseIndex): number {
  return index.base.rows.size + index.added;
}

/** Every case with its key: the snapshot's that were not changed since, then the changed ones. */
export function* caseEntries(index: CaseIndex): Generator<[string, CaseEntry]> {
  for (const [key, row] of index.base.rows) if (!index.changed.has(key)) yield [key, index.base.entryAt(row)];
  yield* index.changed.entries();
}

export function openCaseIndex(index: CaseIndex): CaseIndexDraft {
  return { base: index.base, changed: index.changed, fresh: new Map(), added: index.added };
}

export function setCase(draft: CaseIndexDraft, key: string, entry: CaseEntry): void {
  if (!draft.fresh.has(key) && !draft.changed.has(key) && !draft.base.rows.has(key)) draft.added++;
  draft.fresh.set(key, entry);
}

export function sealCaseIndex(draft: CaseIndexDraft): CaseIndex {
  const { base, changed, fresh, added } = draft;
  if (fresh.size === 0) return sealed({ base, changed, added });
  return sealed({
    base,
    changed: changed.withMutations((map) => {
      for (const [key, entry] of fresh) map.set(key, entry);
    }),
    added,
  });
}
