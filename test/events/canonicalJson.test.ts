import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonReference } from '../../src/events/canonicalJson.js';

/** The definition, written the slow and obvious way: every object rebuilt with its keys sorted. */
function reference(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((key) => [key, sorted((v as Record<string, unknown>)[key])]),
    );
  };
  return JSON.stringify(sorted(value));
}

// JSON values plus what a caller may hand over: undefined members, non-finite numbers, -0, any key order.
const loose = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Keys that JavaScript treats specially, beside arbitrary text (lone surrogates included) and index-like keys. */
const key = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'toJSON',
    'constructor',
    '',
    '0',
    '1',
    '2',
    '10',
    '01',
    '4294967294',
    '4294967295',
    'a',
    'b',
    'B',
    'é',
    'e\u0301',
    '\u{1F600}',
    '\uD800',
    '\uFFFF',
  ),
  fc.string({ maxLength: 6, unit: 'binary' }),
  fc.string({ maxLength: 3, unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)) }),
);

/** Own enumerable data properties set in the given order, on an ordinary object or one without a prototype. */
function objectOf(entries: readonly (readonly [string, unknown])[], bare: boolean): Record<string, unknown> {
  const out = (bare ? Object.create(null) : {}) as Record<string, unknown>;
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

// Anything a caller may hand over: JSON values with any key order, unicode, deep arrays, -0, non-finite
// numbers and undefined members (which JSON.stringify writes as null or leaves out), and "__proto__" keys.
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, undefined, 0, -0, 1, -1, 0.1, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_VALUE, Number.MIN_VALUE),
    fc.double(),
    fc.integer(),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.tuple(fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }), fc.boolean()).map(([entries, bare]) => objectOf(entries, bare)),
  ),
})).value;

describe('canonical JSON', () => {
  it('gives exactly the bytes of the reference encoder (the sealed lines of every existing log) for any value', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        let expected: string | Error;
        try {
          expected = canonicalJsonReference(value);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => canonicalJson(value)).toThrow(expected.message);
        else expect(canonicalJson(value)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('reaches the values that matter: "__proto__" keys, unordered keys inside ordered ones, index-like keys, -0', () => {
    const seen = { proto: 0, nestedRebuild: 0, indexKeys: 0, negativeZero: 0 };
    const visit = (v: unknown, depth: number): void => {
      if (Object.is(v, -0)) seen.negativeZero++;
      if (typeof v !== 'object' || v === null) return;
      const keys = Object.keys(v);
      if (keys.includes('__proto__')) seen.proto++;
      if (keys.some((k) => /^(0|[1-9][0-9]*)$/.test(k))) seen.indexKeys++;
      if (depth > 0 && keys.length > 1 && keys.join() !== [...keys].sort().join()) seen.nestedRebuild++;
      for (const k of keys) visit((v as Record<string, unknown>)[k], depth + 1);
    };
    for (const value of fc.sample(anyValue, { numRuns: 3000, seed: 42 })) visit(value, 0);
    expect(Math.min(...Object.values(seen))).toBeGreaterThan(20);
  });

  it('writes the same as the reference for what the fast path hands over to it', () => {
    const cyclic: Record<string, unknown> = { a: null, b: 1 };
    cyclic.a = cyclic;
    const withToJson = { z: 1, inner: { toJSON: () => ({ y: 2, x: 1 }) } };
    const boxed = Object.assign(new Number(5), { b: { d: 1, c: 2 } });
    const date = new Date(0);
    for (const value of [withToJson, [withToJson], { boxed }, { date, a: [date] }, JSON.parse('{"b":{"d":1,"c":2},"__proto__":{"z":[{"y":1,"x":2}]}}')]) {
      expect(canonicalJson(value)).toBe(canonicalJsonReference(value));
    }
    expect(canonicalJson(withToJson)).toBe('{"inner":{"x":1,"y":2},"z":1}');
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });

  it('is JSON.stringify of the value with every object rebuilt in sorted key order (array-index keys first, as JavaScript keeps them)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), loose, { maxKeys: 6 }), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('gives equal bytes for equal values, whatever order their keys were set in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('keeps a "__proto__" key, which JSON.parse makes an own property, wherever it sorts', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"x":2}}'))).toBe('{"__proto__":{"x":2},"b":1}');
    expect(canonicalJson(JSON.parse('{"a":{"z":0,"__proto__":null}}'))).toBe('{"a":{"__proto__":null,"z":0}}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow(/cannot encode undefined/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/BigInt/);
  });
});
