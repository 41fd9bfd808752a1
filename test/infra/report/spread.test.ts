import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spreadPositions } from '../../../src/infra/report/spread.js';

const BOUNDS = [100, 900] as const;
/** Marks as a chart has them: piled on a few places (cycles at the same seq), or anywhere. */
const positions = fc.oneof(
  fc.array(fc.constantFrom(100, 101, 450, 450.5, 451, 899, 900), { maxLength: 60 }),
  fc.array(fc.double({ min: 100, max: 900, noNaN: true }), { maxLength: 80 }),
);
const gaps = fc.oneof(fc.constant(12), fc.double({ min: 0.5, max: 40, noNaN: true }));

describe('spreadPositions', () => {
  it('keeps every mark inside the bounds and at least the gap from the next, or as far as fits', () => {
    fc.assert(
      fc.property(positions, gaps, (ps, gap) => {
        const out = spreadPositions(ps, gap, BOUNDS);
        expect(out).toHaveLength(ps.length);
        const step = ps.length > 1 ? Math.min(gap, (BOUNDS[1] - BOUNDS[0]) / (ps.length - 1)) : 0;
        const sorted = [...out].sort((a, b) => a - b);
        sorted.forEach((q, i) => {
          expect(q).toBeGreaterThanOrEqual(BOUNDS[0] - 1e-9);
          expect(q).toBeLessThanOrEqual(BOUNDS[1] + 1e-9);
          if (i > 0) expect(q - sorted[i - 1]!).toBeGreaterThanOrEqual(step - 1e-9);
        });
      }),
    );
  });

  it('keeps the marks in their order', () => {
    fc.assert(
      fc.property(positions, gaps, (ps, gap) => {
        const out = spreadPositions(ps, gap, BOUNDS);
        ps.forEach((p, i) => ps.forEach((r, j) => p < r && expect(out[i]!).toBeLessThanOrEqual(out[j]!)));
      }),
    );
  });

  it('moves nothing that is already far enough apart', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }), (slots) => {
        const ps = slots.map((s) => 100 + s * 20);
        expect(spreadPositions(ps, 12, BOUNDS)).toEqual(ps);
      }),
    );
  });

  it('moves a pile of marks apart around where the pile was', () => {
    const out = spreadPositions([500, 500, 500], 12, BOUNDS);
    expect(out).toEqual([488, 500, 512]);
    expect(spreadPositions([100, 100], 12, BOUNDS)).toEqual([100, 112]);
  });

  it('moving everything, bounds included, moves the result by as much', () => {
    fc.assert(
      fc.property(positions, gaps, fc.integer({ min: -500, max: 500 }), (ps, gap, shift) => {
        // Compared as sorted lists: a shift can round two nearly equal positions into a tie, which swaps
        // which of the two marks takes which place, not the places.
        const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
        const moved = sorted(
          spreadPositions(
            ps.map((p) => p + shift),
            gap,
            [BOUNDS[0] + shift, BOUNDS[1] + shift],
          ),
        );
        sorted(spreadPositions(ps, gap, BOUNDS)).forEach((q, i) => expect(moved[i]!).toBeCloseTo(q + shift, 6));
      }),
    );
  });
});
