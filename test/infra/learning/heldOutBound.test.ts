import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../../src/events/model/vocabulary.js';
import { boundOf, type PairedRequest } from '../../../src/infra/learning/heldOutBound.js';

describe('the full-information bound on judging a challenger by held-out requests', () => {
  it('given routers that route every request alike, there is no gain and nothing to show', () => {
    const pairs: PairedRequest[] = [
      { need: 'tool', active: 'tool', challenger: 'tool' },
      { need: 'direct', active: 'memory', challenger: 'memory' },
    ];
    expect(boundOf(pairs, 0.95)).toEqual({ heldOut: 2, gain: 0, standardError: 0, needed: null });
  });

  it('given a challenger that takes tool where the active router answers composite, the gain is 0.3 and the noise is the outcomes of both', () => {
    const pairs: PairedRequest[] = [
      { need: 'tool', active: 'composite', challenger: 'tool' },
      { need: 'tool', active: 'composite', challenger: 'tool' },
    ];
    const bound = boundOf(pairs, 0.95)!;
    expect(bound.gain).toBeCloseTo(0.3, 12);
    // Tool pays 1 always, composite 0.7 of the time: the difference varies by 0.7 * 0.3 = 0.21 a request.
    expect(bound.standardError).toBeCloseTo(Math.sqrt(0.21 / 2), 12);
    expect(bound.needed).toBe(Math.ceil((1.959963984540054 ** 2 * 0.21) / 0.09));
  });

  it('given a challenger that is worse, nothing can show a gain', () => {
    expect(boundOf([{ need: 'tool', active: 'tool', challenger: 'direct' }], 0.95)!.needed).toBeNull();
    expect(boundOf([], 0.95)).toBeNull();
  });

  it('law: the held-out count needed does not depend on how many were judged, and the standard error falls as 1 / sqrt(n)', () => {
    const route = fc.constantFrom(...ROUTES);
    const pair = fc.record({ need: route, active: route, challenger: route });
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 30 }), fc.integer({ min: 2, max: 5 }), (pairs, k) => {
        const once = boundOf(pairs, 0.95)!;
        const repeated = boundOf(Array.from({ length: k }, () => pairs).flat(), 0.95)!;
        expect(repeated.gain).toBeCloseTo(once.gain, 12);
        expect(repeated.standardError).toBeCloseTo(once.standardError / Math.sqrt(k), 12);
        if (once.needed === null) expect(repeated.needed).toBeNull();
        else expect(Math.abs(repeated.needed! - once.needed)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('law: a stricter confidence level never needs fewer held-out requests', () => {
    const pairs: PairedRequest[] = [
      { need: 'tool', active: 'composite', challenger: 'tool' },
      { need: 'memory', active: 'composite', challenger: 'memory' },
      { need: 'direct', active: 'direct', challenger: 'direct' },
    ];
    const needed = [0.8, 0.9, 0.95, 0.99].map((level) => boundOf(pairs, level)!.needed!);
    expect(needed).toEqual([...needed].sort((a, b) => a - b));
    expect(needed[0]).toBeLessThan(needed[3]!);
  });
});
