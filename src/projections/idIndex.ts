import { PersistentMap } from './persistentMap.js';

/**
 * Every recorded trajectory id with the seq that recorded it, built for a log of millions of trajectories.
 *
 * A persistent map of a million ids is slow to build (hashing and trie nodes for each id) and slow to load
 * from a snapshot, and most commands never look an id up. So the index is a few frozen levels plus a small
 * persistent tail, as in a log-structured merge tree:
 * - a fold collects its new ids in a plain Map that nothing else can see; a large fold seals it as a level,
 *   a small one adds to the tail (which becomes a level once it is large);
 * - adjacent levels merge when the older is not at least twice the newer, so there are O(log n) of them;
 * - a snapshot holds one level of ids sorted and concatenated as bytes (trajectory ids are fixed-width ASCII
 *   ULIDs), which answers lookups by binary search straight from the loaded bytes: nothing is parsed or
 *   built when it is loaded.
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
  | { readonly kind: 'sorted'; readonly ids: Uint8Array; readonly width: number; readonly seqs: Float64Array };

type SortedLevel = Extract<Level, { kind: 'sorted' }>;

function idCount(level: SortedLevel): number {
  return level.ids.length / level.width;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The level's bytes as a Buffer, for its comparisons and decoding. Levels are made as Buffers, so this is the
 * same object; the type says Uint8Array so the library's declarations need no Node.js types.
 */
function bytesOf(level: SortedLevel): Buffer {
  const { ids } = level;
  return Buffer.isBuffer(ids) ? ids : Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
}

/** Where `id` is in the level's sorted ids, or where it would go (as a negative number: -(place + 1)). */
function sortedPosition(level: SortedLevel, id: Buffer): number {
  const ids = bytesOf(level);
  let low = 0;
  let high = idCount(level) - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = ids.compare(id, 0, level.width, middle * level.width, (middle + 1) * level.width);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -(low + 1);
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

function sortedLookup(level: SortedLevel, id: string): number | undefined {
  if (id.length !== level.width || !isAscii(id)) return undefined;
  const at = sortedPosition(level, Buffer.from(id, 'latin1'));
  return at >= 0 ? level.seqs[at] : undefined;
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
      for (let i = 0, ids = bytesOf(level); i < idCount(level); i++) yield [ids.toString('latin1', i * level.width, (i + 1) * level.width), level.seqs[i]!];
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
 * The index in a snapshot. When every id is ASCII of one width (ULIDs are), the ids go sorted and
 * concatenated into a binary section and their seqs into another, as float64: loading them is a copy.
 * Otherwise a plain list. One entry per id; the seqs of records a repeated id hid go in `hidden`.
 */
export type SerialisedIdIndex =
  | { readonly width: number; readonly ids: number; readonly seqs: number; readonly hidden: number }
  | { readonly width: null; readonly entries: readonly (readonly [string, number])[]; readonly hidden: readonly number[] };

/** Adds a binary section to the snapshot being written and returns its number. */
export type AttachSection = (bytes: Uint8Array) => number;
/** A binary section of the snapshot being read, by number. */
export type ReadSection = (section: number) => Uint8Array | undefined;

function seqBytes(seqs: Float64Array): Uint8Array {
  return new Uint8Array(seqs.buffer, seqs.byteOffset, seqs.byteLength);
}

function seqsOf(bytes: Uint8Array | undefined): Float64Array | null {
  if (!bytes || bytes.length % 8 !== 0) return null;
  // Copied, so the array is aligned and does not keep the whole snapshot alive.
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

function latestEntries(index: IdIndex): Map<string, number> {
  const latest = new Map<string, number>();
  for (const [id, seq] of idEntries(index)) latest.set(id, seq);
  return latest;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function serialiseIdIndex(index: IdIndex, attach: AttachSection): SerialisedIdIndex {
  // A sorted level from the last snapshot is merged with the sorted newer ids, copying the runs of old ids
  // between them: snapshots are written every few thousand events, and sorting a million ids each time would
  // dominate.
  const [first, ...rest] = index.levels;
  const base = first?.kind === 'sorted' ? first : null;
  const newer = new Map<string, number>();
  for (const level of base ? rest : index.levels) for (const [id, seq] of levelEntries(level)) newer.set(id, seq);
  for (const [id, seq] of index.tail) newer.set(id, seq);
  const newIds = [...newer.keys()].sort(byCodeUnits);
  const width = base?.width ?? newIds[0]?.length ?? 26;
  if (newIds.some((id) => id.length !== width || !isAscii(id))) {
    const entries = [...latestEntries(index)].sort(([a], [b]) => byCodeUnits(a, b));
    return {
      width: null,
      entries,
      hidden: [
        ...hiddenSeqs(
          index,
          Float64Array.from(entries, ([, seq]) => seq),
        ),
      ],
    };
  }
  const baseCount = base ? idCount(base) : 0;
  const ids = Buffer.allocUnsafe((baseCount + newIds.length) * width);
  const seqs = new Float64Array(baseCount + newIds.length);
  let count = 0;
  let from = 0; // the next base id to copy
  const copyBase = (until: number): void => {
    if (!base || until <= from) return;
    ids.set(base.ids.subarray(from * width, until * width), count * width);
    seqs.set(base.seqs.subarray(from, until), count);
    count += until - from;
    from = until;
  };
  for (const id of newIds) {
    const bytes = Buffer.from(id, 'latin1');
    const at = base ? sortedPosition(base, bytes) : -1;
    copyBase(at >= 0 ? at : -at - 1);
    if (at >= 0) from = at + 1; // the newer record of a repeated id wins
    bytes.copy(ids, count * width);
    seqs[count++] = newer.get(id)!;
  }
  copyBase(baseCount);
  const idSeqs = seqs.subarray(0, count);
  return {
    width,
    ids: attach(ids.subarray(0, count * width)),
    seqs: attach(seqBytes(idSeqs)),
    hidden: attach(seqBytes(hiddenSeqs(index, idSeqs))),
  };
}

/** The index from a snapshot, or null when the data does not hold together (the snapshot is then rebuilt). */
export function deserialiseIdIndex(data: SerialisedIdIndex, section: ReadSection): IdIndex | null {
  if (data.width === null) {
    const map = new Map(data.entries);
    if (map.size !== data.entries.length) return null;
    const seqs = Float64Array.from([...map.values(), ...data.hidden]);
    return seqs.length ? sealed({ ...emptyIdIndex, levels: [{ kind: 'map', map, seqs }] }) : emptyIdIndex;
  }
  const ids = section(data.ids);
  const idSeqs = seqsOf(section(data.seqs));
  const hidden = seqsOf(section(data.hidden));
  if (!ids || !idSeqs || !hidden || data.width < 1 || ids.length !== idSeqs.length * data.width) return null;
  if (idSeqs.length === 0 && hidden.length === 0) return emptyIdIndex;
  const seqs = new Float64Array(idSeqs.length + hidden.length);
  seqs.set(idSeqs);
  seqs.set(hidden, idSeqs.length);
  // A view of the snapshot's bytes, not a copy: they are never written to, and copying 26 MB of ids (at a
  // million trajectories) cost more than the 13 MB of the rest of the snapshot that the view keeps alive.
  const view = Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength);
  return sealed({ ...emptyIdIndex, levels: [{ kind: 'sorted', ids: view, width: data.width, seqs }] });
}

/** Two indexes hold the same records, however their levels are laid out (a snapshot's are not a replay's). */
export function sameIdIndex(a: IdIndex, b: IdIndex): boolean {
  const image = (index: IdIndex): string => {
    const sections: string[] = [];
    const data = serialiseIdIndex(index, (bytes) => sections.push(Buffer.from(bytes).toString('base64')) - 1);
    return JSON.stringify({ data, sections });
  };
  return image(a) === image(b);
}

export function isIdIndex(value: unknown): value is IdIndex {
  return typeof value === 'object' && value !== null && 'levels' in value && 'tail' in value && 'tailSeqs' in value;
}
