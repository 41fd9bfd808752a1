import { ROUTES } from '../events/model/routes.js';
import type { CaseEntry } from './caseMemory.js';
import { caseCount, caseEntries, type CaseIndex, type SnapshotCases } from './caseTable.js';

/**
 * The case index as one binary section of a snapshot. As JSON it was most of the snapshot's 5 MB of state
 * (15,000 cases at a million trajectories) and most of its parse; as bytes it is a string table and
 * fixed-width columns: loading it copies the columns and decodes the keys; each case is made when first
 * looked up (caseTable.ts).
 *
 * Layout, every number in the platform's byte order (as the id index's seqs):
 *   u32 x 5   layout (1), cases, strings, selected ids, table bytes
 *   f64 x n   seq, then reward, then latencyMs, one column each
 *   u32 x n   key, then trajectoryId, then summary (string numbers), then the end of each case's selected ids
 *   u32 x s   the selected ids, all cases' in a row (string numbers)
 *   u32 x t   the end of each string in the table, in bytes
 *   u8  x n   route (its place in ROUTES)
 *   u8  x t   each string's encoding: 0 latin1, 1 UTF-16LE
 *   the table: every distinct string once, back to back
 * A string is latin1 when every code unit fits a byte (requests in English, ids), else UTF-16, each on its
 * own (one typographic apostrophe in 15,000 requests would otherwise make the whole table twice as large,
 * and its strings two-byte strings, slower to hash). Both give back any JavaScript string exactly, lone
 * surrogates included (a summary cuts its request at 77 code units, which can split a pair), where UTF-8
 * would replace them.
 */
const LAYOUT = 1;
const HEADER_WORDS = 5;
const LATIN1 = 0;
const UTF16 = 1;

type StringTable = { readonly numberOf: (text: string) => number; readonly strings: readonly string[] };

function stringTable(): StringTable {
  const numbers = new Map<string, number>();
  const strings: string[] = [];
  return {
    numberOf(text) {
      let n = numbers.get(text);
      if (n === undefined) {
        n = strings.push(text) - 1;
        numbers.set(text, n);
      }
      return n;
    },
    strings,
  };
}

const beyondLatin1 = /[^\u0000-\u00ff]/u;

function bytesOf(array: Float64Array | Uint32Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

export function encodeCaseIndex(cases: CaseIndex): Uint8Array {
  const n = caseCount(cases);
  const table = stringTable();
  const numbers = new Float64Array(3 * n);
  const refs = new Uint32Array(4 * n);
  const routes = new Uint8Array(n);
  const selected: number[] = [];
  let i = 0;
  for (const [, entry] of caseEntries(cases)) {
    numbers[i] = entry.seq;
    numbers[n + i] = entry.reward;
    numbers[2 * n + i] = entry.latencyMs;
    refs[i] = table.numberOf(entry.key);
    refs[n + i] = table.numberOf(entry.trajectoryId);
    refs[2 * n + i] = table.numberOf(entry.summary);
    for (const id of entry.selected) selected.push(table.numberOf(id));
    refs[3 * n + i] = selected.length;
    routes[i] = ROUTES.indexOf(entry.route);
    i++;
  }
  const { strings } = table;
  const ends = new Uint32Array(strings.length);
  const encodings = new Uint8Array(strings.length);
  let end = 0;
  strings.forEach((text, s) => {
    encodings[s] = beyondLatin1.test(text) ? UTF16 : LATIN1;
    ends[s] = end += encodings[s] === UTF16 ? 2 * text.length : text.length;
  });
  const text = Buffer.allocUnsafe(end);
  strings.forEach((string, s) => text.write(string, s ? ends[s - 1]! : 0, encodings[s] === UTF16 ? 'utf16le' : 'latin1'));
  const header = Uint32Array.of(LAYOUT, n, strings.length, selected.length, text.length);
  return Buffer.concat([header, numbers, refs, Uint32Array.from(selected), ends, routes, encodings].map(bytesOf).concat(text));
}

/** Reads `count` items of a typed array from `bytes` at `at`, copied so the array is aligned. */
function column<T extends Float64Array | Uint32Array>(
  kind: { new (length: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array,
  at: number,
  count: number,
): T {
  const width = kind.BYTES_PER_ELEMENT * count;
  // Checked before allocating: a count beyond the section is a damaged section, not a huge array.
  if (at + width > bytes.length) throw new RangeError('case index section cut short');
  const array = new kind(count);
  new Uint8Array(array.buffer).set(bytes.subarray(at, at + width));
  return array;
}

function decodeColumns(bytes: Uint8Array): SnapshotCases | null {
  const header = column(Uint32Array, bytes, 0, HEADER_WORDS);
  const [layout, n, stringCount, selectedCount, textBytes] = [...header] as [number, number, number, number, number];
  if (layout !== LAYOUT) return null;
  let at = 4 * HEADER_WORDS;
  const numbers = column(Float64Array, bytes, at, 3 * n);
  at += numbers.byteLength;
  const refs = column(Uint32Array, bytes, at, 4 * n);
  at += refs.byteLength;
  const selected = column(Uint32Array, bytes, at, selectedCount);
  at += selected.byteLength;
  const ends = column(Uint32Array, bytes, at, stringCount);
  at += ends.byteLength;
  const routes = bytes.subarray(at, at + n);
  at += n;
  const encodings = bytes.subarray(at, at + stringCount);
  at += stringCount;
  if (at + textBytes !== bytes.length || routes.length !== n || encodings.length !== stringCount) return null;
  if (stringCount > 0 && ends[stringCount - 1] !== textBytes) return null;
  // Everything an entry will read is checked now, so making one later cannot fail.
  for (let s = 0, start = 0; s < stringCount; start = ends[s++]!) {
    const wide = encodings[s] === UTF16;
    if (ends[s]! < start || (wide && (ends[s]! - start) % 2 !== 0) || (!wide && encodings[s] !== LATIN1)) return null;
  }
  for (const s of refs.subarray(0, 3 * n)) if (s >= stringCount) return null;
  for (const s of selected) if (s >= stringCount) return null;
  for (let i = 0, previous = 0; i < n; previous = refs[3 * n + i++]!) {
    if (refs[3 * n + i]! < previous || refs[3 * n + i]! > selectedCount || ROUTES[routes[i]!] === undefined) return null;
  }
  // A view of the snapshot's bytes, as the id index's: the entries are made from it on first use.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + at, textBytes);
  // Each string decoded on its own, a flat string (slices of one decoded table were slower to hash).
  const string = (s: number): string => text.toString(encodings[s] === UTF16 ? 'utf16le' : 'latin1', s ? ends[s - 1] : 0, ends[s]);
  const rows = new Map<string, number>();
  for (let i = 0; i < n; i++) rows.set(string(refs[i]!), i);
  if (rows.size !== n) return null;
  const made: (CaseEntry | undefined)[] = new Array(n);
  const entryAt = (row: number): CaseEntry => {
    const known = made[row];
    if (known) return known;
    const ids: string[] = [];
    for (let at = row ? refs[3 * n + row - 1]! : 0; at < refs[3 * n + row]!; at++) ids.push(string(selected[at]!));
    const key = string(refs[row]!);
    // The fields in the order caseFromTrajectory makes them, so JSON output is the same either way.
    const entry: CaseEntry = {
      key,
      trajectoryId: string(refs[n + row]!),
      seq: numbers[row]!,
      route: ROUTES[routes[row]!]!,
      selected: ids,
      reward: numbers[n + row]!,
      latencyMs: numbers[2 * n + row]!,
      summary: string(refs[2 * n + row]!),
    };
    made[row] = entry;
    return entry;
  };
  return Object.freeze({ rows, entryAt });
}

/** The cases of a section, or null when the section does not hold together (a cache miss). */
export function decodeCaseIndex(bytes: Uint8Array | undefined): SnapshotCases | null {
  if (!bytes) return null;
  try {
    return decodeColumns(bytes);
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
