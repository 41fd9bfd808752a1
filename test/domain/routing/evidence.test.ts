import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinearModel } from '../../../src/events/model/routerVersion.js';
import { decodeEvidence, encodeEvidence, kindCounts } from '../../../src/domain/routing/evidence.js';
import { ROUTES } from '../../../src/events/model/vocabulary.js';

const BITS = 8;
const DIMENSION = 1 << BITS;
const stored = (encoded: string): LinearModel => ({ bias: [0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1], weights: '', evidence: encoded });
// Counts as they occur: none, fractions (a text feature of a long request), a few samples, thousands.
const countArb = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.double({ min: 1, max: 50, noNaN: true }),
  fc.double({ min: 50, max: 1500, noNaN: true }),
);

describe('evidence counts', () => {
  it('survive their one-byte log encoding within 2%, and none stays none', () => {
    fc.assert(
      fc.property(fc.array(countArb, { minLength: 5 * DIMENSION, maxLength: 5 * DIMENSION }), (flat) => {
        const counts = ROUTES.map((_, r) => Float32Array.from(flat.slice(r * DIMENSION, (r + 1) * DIMENSION)));
        const decoded = decodeEvidence(stored(encodeEvidence(counts)), BITS)!;
        counts.forEach((route, r) =>
          route.forEach((count, j) => {
            const back = decoded[r]![j]!;
            if (count === 0) expect(back).toBe(0);
            // The step is a 24th of a doubling of 1 + count.
            else expect(Math.abs(Math.log2(1 + back) - Math.log2(1 + count))).toBeLessThanOrEqual(1 / 48 + 1e-6);
          }),
        );
      }),
      { numRuns: 10 },
    );
  });

  it('of a kind: n when every known feature was seen n times with the route, 0 when none was', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 500, noNaN: true }), fc.nat(4), (length, n, route) => {
        const indices = Uint32Array.from({ length }, (_, i) => i * 3);
        const values = Float32Array.from({ length }, () => 1 / Math.sqrt(length));
        const counts = ROUTES.map(() => new Float32Array(DIMENSION));
        for (const j of indices) {
          counts[route]![j] = n / length; // n samples, each adding its squared value
          counts[(route + 1) % 5]![j] = 1; // known to the log through another route
        }
        const features = { indices, values, length };
        expect(kindCounts(counts, features)[route]).toBeCloseTo(n, 3);
        expect(kindCounts(counts, features)[(route + 2) % 5]).toBe(0);
      }),
    );
  });

  it('of a kind: a feature the log never saw neither adds evidence nor takes it away', () => {
    const counts = ROUTES.map(() => new Float32Array(DIMENSION));
    counts[2]![1] = 4;
    const known = { indices: Uint32Array.of(1), values: Float32Array.of(1), length: 1 };
    const withNew = { indices: Uint32Array.of(1, 9), values: Float32Array.of(1, 1), length: 2 };
    expect(kindCounts(counts, known)[2]).toBeCloseTo(4, 6);
    expect(kindCounts(counts, withNew)[2]).toBeCloseTo(4, 6);
    expect(kindCounts(counts, withNew)[0]).toBe(0);
  });
});
