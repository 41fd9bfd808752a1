import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonicalJson.js';

/** The definition, written the slow and obvious way: every object rebuilt with its keys sorted. */
function reference(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted((v as Record<string, unknown>)[key])]));
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

describe('canonical JSON', () => {
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
