import { Map as PersistentMap } from 'immutable';

/**
 * Every recorded trajectory id with the seq that recorded it, built for a log of millions of trajectories.
 *
 * A persistent map of a million ids is slow to build (hashing and trie nodes for each id) and slow to load
 * from a snapshot, and most commands never look an id up. So the index is a few frozen levels plus a small
 * persistent tail, as in a log-structured merge tree:
 * - a fold collects its new ids in a plain Map that nothing else can see; a large fold seals it as a level,
 *   a small one adds to the tail (which becomes a level once it is large);
 * - adjacent levels merge when the older is not at least twice the newer, so there are O(log n) of them;
 * - a snapshot holds one level of ids sorted and concatenated (trajectory ids are fixed-width ULIDs), which
 *   answers lookups by binary search straight from the loaded string: nothing is built when it is loaded.
 * Levels are never changed once sealed, so states that share them stay values.
 */
export type IdIndex = {
  readonly levels: readonly Level[];
  readonly tail: PersistentMap<string, number>;
  /** The seqs of the tail's records, in log order. */
  readonly tailSeqs: readonly number[];
};

/**
 * A sealed group of ids. `seqs` holds one seq per record, so a repeated id counts each time it was recorded
 * (only a hand-made log can repeat one: `record` refuses a known id). In a sorted level, the first seqs are
 * those of the ids, in their order, and any after them belong to records a later record of the same id hides.
 */
type Level =
  | { readonly kind: 'map'; readonly map: ReadonlyMap<string, number>; readonly seqs: Float64Array }
  | { readonly kind: 'sorted'; readonly ids: string; readonly width: number; readonly seqs: Float64Array };

function idCount(level: Extract<Level, { kind: 'sorted' }>): number {
  return level.ids.length / level.width;
}

/** A fold's view of the index: new ids go to `fresh`, visible to nobody until the fold seals them. */
export type IdIndexDraft = { readonly sealed: IdIndex; readonly fresh: Map<string, number>; readonly freshSeqs: number[] };

/** A tail this large becomes a level: lookups in it stay cheap and its seqs stay a short array. */
const LEVEL_MIN = 4096;

/**
 * Every index is frozen: immer (which folds the state) leaves frozen values alone, where it would otherwise
 * walk a level's million entries looking for drafts.
 */
function sealed(index: IdIndex): IdIndex {
  return Object.freeze(index);
}

export const emptyIdIndex: IdIndex = sealed({ levels: [], tail: PersistentMap<string, number>(), tailSeqs: [] });

function sortedLookup(level: Extract<Level, { kind: 'sorted' }>, id: string): number | undefined {
  if (id.length !== level.width) return undefined;
  let low = 0;
  let high = idCount(level) - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const key = level.ids.slice(middle * level.width, (middle + 1) * level.width);
    if (key === id) return level.seqs[middle];
    if (key < id) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function levelLookup(level: Level, id: string): number | undefined {
  switch (level.kind) {
    case 'map':
      return level.map.get(id);
    case 'sorted':
      return sortedLookup(level, id);
    default:
      return level satisfies never;
  }
}

/** The seq that recorded `id` (the latest, should a hand-made log repeat it), or undefined. */
export function seqOfId(index: IdIndex, id: string): number | undefined {
  const inTail = index.tail.get(id);
  if (inTail !== undefined) return inTail;
  for (let i = index.levels.length - 1; i >= 0; i--) {
    const seq = levelLookup(index.levels[i]!, id);
    if (seq !== undefined) return seq;
  }
  return undefined;
}

/** How many records have a seq above `seq`: a scan of packed numbers, about a millisecond per million. */
export function countRecordedAfter(index: IdIndex, seq: number): number {
  let count = 0;
  for (const level of index.levels) for (const s of level.seqs) if (s > seq) count++;
  for (const s of index.tailSeqs) if (s > seq) count++;
  return count;
}

function* levelEntries(level: Level): Generator<[string, number]> {
  switch (level.kind) {
    case 'map':
      yield* level.map;
      return;
    case 'sorted':
      for (let i = 0; i < idCount(level); i++) yield [level.ids.slice(i * level.width, (i + 1) * level.width), level.seqs[i]!];
      return;
    default:
      return level satisfies never;
  }
}

/** Every id with its seq, oldest level first (a repeated id appears once per level that holds it). */
export function* idEntries(index: IdIndex): Generator<[string, number]> {
  for (const level of index.levels) yield* levelEntries(level);
  yield* index.tail.entries();
}

export function openIdIndex(index: IdIndex): IdIndexDraft {
  return { sealed: index, fresh: new Map(), freshSeqs: [] };
}

export function addId(draft: IdIndexDraft, id: string, seq: number): void {
  draft.fresh.set(id, seq);
  draft.freshSeqs.push(seq);
}

function mergeLevels(older: Level, newer: Level): Level {
  const map = new Map(levelEntries(older));
  for (const [id, seq] of levelEntries(newer)) map.set(id, seq);
  const seqs = new Float64Array(older.seqs.length + newer.seqs.length);
  seqs.set(older.seqs);
  seqs.set(newer.seqs, older.seqs.length);
  return { kind: 'map', map, seqs };
}

function withLevel(levels: readonly Level[], level: Level): Level[] {
  const next = [...levels, level];
  while (next.length > 1 && next[next.length - 2]!.seqs.length < 2 * next[next.length - 1]!.seqs.length) {
    const newer = next.pop()!;
    next.push(mergeLevels(next.pop()!, newer));
  }
  return next;
}

export function sealIdIndex(draft: IdIndexDraft): IdIndex {
  const { sealed: index, fresh, freshSeqs } = draft;
  if (fresh.size === 0) return index;
  if (freshSeqs.length >= LEVEL_MIN) {
    return sealed({ ...index, levels: withLevel(index.levels, { kind: 'map', map: fresh, seqs: Float64Array.from(freshSeqs) }) });
  }
  const tail = index.tail.withMutations((map) => {
    for (const [id, seq] of fresh) map.set(id, seq);
  });
  const tailSeqs = [...index.tailSeqs, ...freshSeqs];
  if (tailSeqs.length < LEVEL_MIN) return sealed({ levels: index.levels, tail, tailSeqs });
  const level: Level = { kind: 'map', map: new Map(tail.entries()), seqs: Float64Array.from(tailSeqs) };
  return sealed({ levels: withLevel(index.levels, level), tail: emptyIdIndex.tail, tailSeqs: [] });
}

/**
 * The index in a snapshot: ids sorted and concatenated when they all have one width (ULIDs do), with their
 * seqs packed as float64 in base64; otherwise a plain list. One entry per id, so a snapshot of a hand-made log
 * that repeats an id keeps its latest seq only.
 */
export type SerialisedIdIndex =
  | { readonly width: number; readonly ids: string; readonly seqs: string; readonly hidden: string }
  | { readonly width: null; readonly entries: readonly (readonly [string, number])[]; readonly hidden: readonly number[] };

function packed(seqs: Float64Array): string {
  return Buffer.from(seqs.buffer, seqs.byteOffset, seqs.byteLength).toString('base64');
}

function unpacked(text: string): Float64Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) return null;
  // Copied so the array is aligned and owns its memory, whatever Buffer pooled the bytes in.
  const seqs = new Float64Array(bytes.length / 8);
  new Uint8Array(seqs.buffer).set(bytes);
  return seqs;
}

function allRecordSeqs(index: IdIndex): Float64Array {
  const all = new Float64Array(index.levels.reduce((n, level) => n + level.seqs.length, 0) + index.tailSeqs.length);
  let at = 0;
  for (const level of index.levels) {
    all.set(level.seqs, at);
    at += level.seqs.length;
  }
  all.set(index.tailSeqs, at);
  return all;
}

/** The seqs of records a later record of the same id hides: normally none, and then found in O(1). */
function hiddenSeqs(index: IdIndex, idSeqs: Float64Array): Float64Array {
  const all = allRecordSeqs(index);
  if (all.length === idSeqs.length) return new Float64Array(0);
  const visible = Float64Array.from(idSeqs).sort();
  const hidden: number[] = [];
  let v = 0;
  for (const seq of all.sort()) {
    if (v < visible.length && visible[v] === seq) v++;
    else hidden.push(seq);
  }
  return Float64Array.from(hidden);
}

export function serialiseIdIndex(index: IdIndex): SerialisedIdIndex {
  // A sorted level from the last snapshot is merged with the sorted newer ids in one pass: snapshots are
  // written every few thousand events, and sorting a million ids each time would dominate.
  const [first, ...rest] = index.levels;
  const base = first?.kind === 'sorted' ? first : null;
  const newer = new Map<string, number>();
  for (const level of base ? rest : index.levels) for (const [id, seq] of levelEntries(level)) newer.set(id, seq);
  for (const [id, seq] of index.tail) newer.set(id, seq);
  const newIds = [...newer.keys()].sort();
  const width = base?.width ?? newIds[0]?.length ?? 26;
  if (newIds.some((id) => id.length !== width)) {
    const entries = [...latestEntries(index)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { width: null, entries, hidden: [...hiddenSeqs(index, Float64Array.from(entries, ([, seq]) => seq))] };
  }
  const baseCount = base ? idCount(base) : 0;
  const ids: string[] = [];
  const seqs = new Float64Array(baseCount + newIds.length);
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < baseCount || j < newIds.length) {
    const baseId = i < baseCount ? base!.ids.slice(i * width, (i + 1) * width) : null;
    const newId = j < newIds.length ? newIds[j]! : null;
    if (newId === null || (baseId !== null && baseId < newId)) {
      ids.push(baseId!);
      seqs[count++] = base!.seqs[i++]!;
    } else {
      if (baseId === newId) i++; // the newer record of a repeated id wins
      ids.push(newId);
      seqs[count++] = newer.get(newId)!;
      j++;
    }
  }
  const idSeqs = seqs.subarray(0, count);
  return { width, ids: ids.join(''), seqs: packed(idSeqs), hidden: packed(hiddenSeqs(index, idSeqs)) };
}

function latestEntries(index: IdIndex): Map<string, number> {
  const latest = new Map<string, number>();
  for (const [id, seq] of idEntries(index)) latest.set(id, seq);
  return latest;
}

/** The index from a snapshot, or null when the data does not hold together (the snapshot is then rebuilt). */
export function deserialiseIdIndex(data: SerialisedIdIndex): IdIndex | null {
  if (data.width === null) {
    const map = new Map(data.entries);
    if (map.size !== data.entries.length) return null;
    const seqs = Float64Array.from([...map.values(), ...data.hidden]);
    return seqs.length ? sealed({ ...emptyIdIndex, levels: [{ kind: 'map', map, seqs }] }) : emptyIdIndex;
  }
  const idSeqs = unpacked(data.seqs);
  const hidden = unpacked(data.hidden);
  if (!idSeqs || !hidden || data.width < 1 || data.ids.length !== idSeqs.length * data.width) return null;
  if (idSeqs.length === 0 && hidden.length === 0) return emptyIdIndex;
  const seqs = new Float64Array(idSeqs.length + hidden.length);
  seqs.set(idSeqs);
  seqs.set(hidden, idSeqs.length);
  return sealed({ ...emptyIdIndex, levels: [{ kind: 'sorted', ids: data.ids, width: data.width, seqs }] });
}

/** Two indexes hold the same records, however their levels are laid out (a snapshot's are not a replay's). */
export function sameIdIndex(a: IdIndex, b: IdIndex): boolean {
  return JSON.stringify(serialiseIdIndex(a)) === JSON.stringify(serialiseIdIndex(b));
}

export function isIdIndex(value: unknown): value is IdIndex {
  return typeof value === 'object' && value !== null && 'levels' in value && 'tail' in value && 'tailSeqs' in value;
}
