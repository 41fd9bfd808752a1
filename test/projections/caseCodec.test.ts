import fc from 'fast-check';
import { Map as PersistentMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/events/model/vocabulary.js';
import { decodeCaseIndex, encodeCaseIndex } from '../../src/projections/caseCodec.js';
import { caseFromTrajectory, normaliseInput, type CaseEntry } from '../../src/projections/caseMemory.js';
import { caseIndexOfEntries, type SnapshotCases } from '../../src/projections/caseTable.js';
import { trajectoryArb } from '../support/fixtures.js';

/**
 * Strings that reach what a byte layout can get wrong: empty, latin1 beyond ASCII, astral characters, and
 * lone surrogates (a summary cuts its request at 77 code units, so it can hold half a pair).
 */
const textArb = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\ud83d', '\ude00', 'café', 'Ελληνικά', '日本語の入力', '\u0000'),
);

/** Rewards and latencies with ties (0, 1, the same few values) as well as anything in range, and -0. */
const rewardArb = fc.oneof(fc.constantFrom(0, 1, 0.5, -0), fc.double({ min: 0, max: 1, noNaN: true }));
const latencyArb = fc.oneof(fc.constantFrom(0, 300, 1300), fc.double({ min: 0, max: 1e9, noNaN: true }));

const entryArb = (key: string): fc.Arbitrary<CaseEntry> =>
  fc.record({
    key: fc.constant(key),
    trajectoryId: fc.oneof(fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/), textArb),
    seq: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), fc.maxSafeNat()),
    route: fc.constantFrom(...ROUTES),
    selected: fc.array(fc.oneof(fc.constantFrom('sms.send', 'mem-17', ''), textArb), { maxLength: 5 }),
    reward: rewardArb,
    latencyMs: latencyArb,
    summary: textArb,
  });

/** A case index of up to a few thousand cases, keyed as a fold keys them or by any string at all. */
const casesArb = fc
  .uniqueArray(fc.oneof(textArb, fc.string({ unit: 'binary', minLength: 1, maxLength: 30 })), { maxLength: 40 })
  .chain((keys) => fc.tuple(...keys.map(entryArb)))
  .chain((entries) =>
    fc.constantFrom(1, 100).map((copies) =>
      PersistentMap<string, CaseEntry>().withMutations((map) => {
        // Copies make many cases out of few, with keys that share prefixes and entries that share strings.
        for (let c = 0; c < copies; c++)
          for (const entry of entries) map.set(c ? `${entry.key}${c}` : entry.key, { ...entry, key: c ? `${entry.key}${c}` : entry.key });
      }),
    ),
  );

/** Exactly the same entries: Object.is on every number, so -0 stays -0 and no string is replaced. */
function expectSameCases(actual: SnapshotCases | null, expected: PersistentMap<string, CaseEntry>): void {
  expect(actual).not.toBeNull();
  expect(actual!.rows.size).toBe(expected.size);
  for (const [key, entry] of expected) {
    const row = actual!.rows.get(key);
    expect(row).toBeDefined();
    const decoded = actual!.entryAt(row!);
    // Made once: the same object on every lookup.
    expect(actual!.entryAt(row!)).toBe(decoded);
    expect(decoded).toStrictEqual(entry);
    expect(Object.keys(decoded!)).toEqual(Object.keys(entry));
    expect(Object.is(decoded!.reward, entry.reward) && Object.is(decoded!.latencyMs, entry.latencyMs)).toBe(true);
  }
}

const loneSurrogate = /\p{Surrogate}/u;
const beyondLatin1 = /[^\u0000-\u00ff]/u;

describe('the case index codec', () => {
  it('is tested on indexes that reach what matters: lone surrogates, wide and empty strings, ties, thousands of cases', () => {
    const samples = fc.sample(casesArb, { numRuns: 80, seed: 14 });
    const entries = samples.flatMap((cases) => [...cases.values()]);
    expect(entries.some((e) => loneSurrogate.test(e.summary) || loneSurrogate.test(e.key))).toBe(true);
    expect(entries.some((e) => beyondLatin1.test(e.summary))).toBe(true);
    expect(
      samples.some((cases) => [...cases.values()].every((e) => !beyondLatin1.test(e.key + e.summary + e.trajectoryId + e.selected.join(''))) && cases.size > 0),
    ).toBe(true);
    expect(entries.some((e) => e.key === '') && entries.some((e) => e.summary === '') && entries.some((e) => e.selected.includes(''))).toBe(true);
    expect(entries.some((e) => Object.is(e.reward, -0))).toBe(true);
    expect(samples.some((cases) => cases.size >= 1000)).toBe(true);
    expect(samples.some((cases) => new Set([...cases.values()].map((e) => `${e.reward}/${e.latencyMs}`)).size < cases.size)).toBe(true);
  });

  it('round-trips any case index exactly: unicode, lone surrogates, empty strings, ties, many cases', () => {
    fc.assert(
      fc.property(casesArb, (cases) => {
        expectSameCases(decodeCaseIndex(encodeCaseIndex(caseIndexOfEntries(cases))), cases);
      }),
      { numRuns: 60 },
    );
  });

  it('round-trips the cases a fold makes from trajectories, read from any offset of a larger buffer', () => {
    fc.assert(
      fc.property(fc.array(trajectoryArb('01J00000000000000000000000'), { maxLength: 60 }), fc.nat(7), (trajectories, pad) => {
        const cases = PersistentMap<string, CaseEntry>().withMutations((map) => {
          trajectories.forEach((t, i) => map.set(normaliseInput(t.task.input), caseFromTrajectory(t, i + 1)));
        });
        const bytes = encodeCaseIndex(caseIndexOfEntries(cases));
        // A section sits anywhere in the snapshot's bytes: nothing may assume it is aligned.
        const within = new Uint8Array(bytes.length + pad + 3);
        within.set(bytes, pad);
        expectSameCases(decodeCaseIndex(within.subarray(pad, pad + bytes.length)), cases);
      }),
    );
  });

  it('keeps a string in one byte per character when every character fits, in two otherwise, string by string', () => {
    const entry: CaseEntry = { key: 'k', trajectoryId: 't', seq: 1, route: 'tool', selected: [], reward: 1, latencyMs: 1, summary: 'café' };
    const latin1 = encodeCaseIndex(caseIndexOfEntries([['k', entry]]));
    const wide = encodeCaseIndex(caseIndexOfEntries([['k', { ...entry, summary: 'caf\u00e9\u2026' }]]));
    // Only the summary is wider: 4 bytes as latin1, 5 code units of 2 bytes as UTF-16.
    expect(wide.length - latin1.length).toBe(2 * 5 - 4);
  });

  it('turns a cut or a damaged header into a miss (null), never a wrong index or a throw', () => {
    fc.assert(
      fc.property(casesArb, fc.nat(), fc.nat(19), fc.integer({ min: 1, max: 255 }), (cases, cut, at, flip) => {
        const bytes = encodeCaseIndex(caseIndexOfEntries(cases));
        expect(decodeCaseIndex(bytes.subarray(0, cut % bytes.length))).toBeNull();
        const changed = Uint8Array.from(bytes);
        changed[at]! ^= flip;
        // A changed count, encoding or length no longer holds together (a changed number of strings
        // can, when the table is empty: then the index it gives is the same one).
        const decoded = decodeCaseIndex(changed);
        if (decoded !== null) expectSameCases(decoded, cases);
      }),
      { numRuns: 60 },
    );
  });

  it('is a miss when the section is missing', () => {
    expect(decodeCaseIndex(undefined)).toBeNull();
  });
});
