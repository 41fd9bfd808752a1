import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addId,
  countRecordedAfter,
  deserialiseIdIndex,
  emptyIdIndex,
  openIdIndex,
  sameIdIndex,
  sealIdIndex,
  seqOfId,
  serialiseIdIndex,
  type IdIndex,
} from '../../src/projections/idIndex.js';

/** Records in log order, cut into folds of random sizes (some large enough to seal levels of their own). */
const idArb = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
);
const foldsArb = fc
  .array(fc.array(idArb, { maxLength: 30 }), { maxLength: 12 })
  .chain((folds) => fc.constantFrom(1, 2, 6000).map((scale) => ({ folds, scale })));

/** Folds the records, fold by fold, optionally through a snapshot after some fold; returns the model too. */
function build(folds: readonly (readonly string[])[], scale: number, snapshotAfter = -1) {
  let index: IdIndex = emptyIdIndex;
  const model = new Map<string, number>();
  const seqs: number[] = [];
  let seq = 0;
  folds.forEach((ids, f) => {
    const draft = openIdIndex(index);
    // `scale` repeats each fold's ids with a suffix, so some folds cross the level size.
    for (let copy = 0; copy < (scale === 6000 ? Math.ceil(6000 / Math.max(1, ids.length)) : 1); copy++) {
      for (const id of ids) {
        const key = copy === 0 ? id : `${id}~${copy}`;
        seq += scale === 2 ? 2 : 1;
        addId(draft, key, seq);
        model.set(key, seq);
        seqs.push(seq);
      }
    }
    index = sealIdIndex(draft);
    if (f === snapshotAfter) index = throughSnapshot(index);
  });
  return { index, model, seqs };
}

/** The index written into a snapshot's data and sections, and read back. */
function throughSnapshot(index: IdIndex): IdIndex {
  const sections: Uint8Array[] = [];
  const data = JSON.parse(JSON.stringify(serialiseIdIndex(index, (bytes) => sections.push(Uint8Array.from(bytes)) - 1)));
  return deserialiseIdIndex(data, (section) => sections[section])!;
}

describe('the trajectory id index', () => {
  it('answers like a map of each id to its latest seq, and counts records after any seq', () => {
    fc.assert(
      fc.property(foldsArb, fc.nat(), ({ folds, scale }, cut) => {
        const { index, model, seqs } = build(folds, scale);
        for (const [id, seq] of model) expect(seqOfId(index, id)).toBe(seq);
        expect(seqOfId(index, 'not-an-id')).toBeUndefined();
        const after = seqs.length ? cut % (seqs.at(-1)! + 1) : 0;
        expect(countRecordedAfter(index, after)).toBe(seqs.filter((s) => s > after).length);
      }),
      { numRuns: 30 },
    );
  });

  it('is a pure cache in a snapshot: the same answers through its serialised form, at any fold', () => {
    fc.assert(
      fc.property(foldsArb, fc.nat(20), ({ folds, scale }, at) => {
        const whole = build(folds, scale);
        const snapshotted = build(folds, scale, at % Math.max(1, folds.length));
        expect(sameIdIndex(snapshotted.index, whole.index)).toBe(true);
        for (const [id, seq] of whole.model) expect(seqOfId(snapshotted.index, id)).toBe(seq);
        expect(countRecordedAfter(snapshotted.index, 0)).toBe(whole.seqs.length);
      }),
      { numRuns: 20 },
    );
  });

  it('never changes an index a fold started from', () => {
    const { index } = build([['A'.repeat(26), 'B'.repeat(26)]], 1);
    const before = throughSnapshot(index);
    const draft = openIdIndex(index);
    addId(draft, 'C'.repeat(26), 3);
    const after = sealIdIndex(draft);
    expect(sameIdIndex(index, before)).toBe(true);
    expect(seqOfId(index, 'C'.repeat(26))).toBeUndefined();
    expect(seqOfId(after, 'C'.repeat(26))).toBe(3);
  });

  it('refuses serialised data that does not hold together, so the snapshot is rebuilt', () => {
    const sections: Uint8Array[] = [];
    const good = serialiseIdIndex(build([['A'.repeat(26), 'B'.repeat(26)]], 1).index, (bytes) => sections.push(Uint8Array.from(bytes)) - 1);
    if (good.width === null) throw new Error('expected the packed form');
    expect(deserialiseIdIndex(good, (section) => sections[section])).not.toBeNull();
    expect(deserialiseIdIndex(good, (section) => (section === good.ids ? sections[section]!.subarray(1) : sections[section]))).toBeNull();
    expect(deserialiseIdIndex(good, (section) => (section === good.seqs ? new Uint8Array(5) : sections[section]))).toBeNull();
    expect(deserialiseIdIndex(good, () => undefined)).toBeNull();
  });
});
