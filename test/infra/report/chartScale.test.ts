import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countScale, fittedScale } from '../../../src/infra/report/chartScale.js';

/**
 * Rewards as a log holds them: clustered around one score (the case that matters, 0.75 against 0.82),
 * spread over the whole range, piled at 0 or 1, or all equal.
 */
const rewards = fc.oneof(
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 1, maxLength: 60 }))
    .map(([centre, offsets]) => offsets.map((o) => Math.min(1, Math.max(0, centre + o)))),
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
  fc.array(fc.constantFrom(0, 1, 0.999, 0.001), { minLength: 1, maxLength: 5 }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 10 })).map(([v, n]) => Array.from({ length: n }, () => v)),
);
const RANGE = [300, 20] as const;
const options = { bounds: [0, 1] as const, minSpan: 0.04 };

/** A tick step is 1, 2 or 5 times a power of ten. */
function isNiceStep(step: number): boolean {
  const power = 10 ** Math.floor(Math.log10(step) + 1e-9);
  return [1, 2, 5, 10].some((m) => Math.abs(step / power - m) < 1e-6);
}

describe('fittedScale', () => {
  it('covers every value within the bounds, with increasing ticks from one end of its domain to the other', () => {
    fc.assert(
      fc.property(rewards, (values) => {
        const scale = fittedScale(values, RANGE, options);
        const [lo, hi] = scale.domain;
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        for (const v of values) expect(v >= lo - 1e-12 && v <= hi + 1e-12).toBe(true);
        expect(scale.ticks.length).toBeGreaterThanOrEqual(3);
        expect(scale.ticks[0]).toBeCloseTo(lo, 9);
        expect(scale.ticks.at(-1)).toBeCloseTo(hi, 9);
        scale.ticks.forEach((t, i) => {
          expect(t).toBeGreaterThanOrEqual(lo - 1e-12);
          expect(t).toBeLessThanOrEqual(hi + 1e-12);
          if (i > 0) expect(t).toBeGreaterThan(scale.ticks[i - 1]!);
        });
      }),
    );
  });

  it('puts ticks on nice numbers, one step apart, each told apart by the decimals it shows', () => {
    fc.assert(
      fc.property(rewards, (values) => {
        const { ticks, decimals } = fittedScale(values, RANGE, options);
        const step = ticks[1]! - ticks[0]!;
        expect(isNiceStep(step)).toBe(true);
        ticks.forEach((t, i) => {
          expect(Math.abs(t / step - Math.round(t / step))).toBeLessThan(1e-6);
          if (i > 0) expect(Math.abs(ticks[i]! - ticks[i - 1]! - step)).toBeLessThan(1e-9);
        });
        const shown = ticks.map((t) => t.toFixed(decimals));
        expect(new Set(shown).size).toBe(ticks.length);
        expect(shown.map(Number).every((s, i) => Math.abs(s - ticks[i]!) < 1e-9)).toBe(true);
      }),
    );
  });

  it('spreads the values over at least half the axis once they differ by more than the minimum span', () => {
    fc.assert(
      fc.property(rewards, (values) => {
        const spread = Math.max(...values) - Math.min(...values);
        fc.pre(spread >= options.minSpan);
        const [lo, hi] = fittedScale(values, RANGE, options).domain;
        expect(spread / (hi - lo)).toBeGreaterThanOrEqual(0.5);
      }),
    );
  });

  it('maps the ends of its domain to the ends of the range, in order', () => {
    fc.assert(
      fc.property(rewards, (values) => {
        const scale = fittedScale(values, RANGE, options);
        expect(scale.at(scale.domain[0])).toBeCloseTo(RANGE[0], 9);
        expect(scale.at(scale.domain[1])).toBeCloseTo(RANGE[1], 9);
        const sorted = [...values].sort((a, b) => a - b);
        sorted.forEach((v, i) => i > 0 && expect(scale.at(v)).toBeLessThanOrEqual(scale.at(sorted[i - 1]!) + 1e-9));
      }),
    );
  });

  it('separates 0.75 from 0.82 by most of the height, where a 0 to 1 axis put them 7% apart', () => {
    const scale = fittedScale([0.75, 0.82], RANGE, options);
    expect(Math.abs(scale.at(0.75) - scale.at(0.82)) / Math.abs(RANGE[0] - RANGE[1])).toBeGreaterThan(0.5);
    expect(scale.ticks.map((t) => t.toFixed(scale.decimals))).toEqual(['0.74', '0.76', '0.78', '0.80', '0.82', '0.84']);
  });

  it('with no values at all, shows the whole of the bounds', () => {
    expect(fittedScale([], RANGE, options).domain).toEqual([0, 1]);
  });
});

describe('countScale', () => {
  it('ticks whole numbers only, increasing, from 0 up to the end', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10_000_000 })), (max) => {
        const scale = countScale(max, [100, 900]);
        expect(scale.domain).toEqual([0, Math.max(1, max)]);
        expect(scale.ticks[0]).toBe(0);
        expect(scale.ticks.length).toBeGreaterThanOrEqual(2);
        scale.ticks.forEach((t, i) => {
          expect(Number.isInteger(t)).toBe(true);
          expect(t).toBeLessThanOrEqual(Math.max(1, max));
          if (i > 0) expect(t).toBeGreaterThan(scale.ticks[i - 1]!);
        });
        expect(scale.decimals).toBe(0);
      }),
    );
  });
});
