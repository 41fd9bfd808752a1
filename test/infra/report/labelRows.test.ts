import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packLabels } from '../../../src/infra/report/labelRows.js';

const BOUNDS = [100, 900] as const;
const labels = fc.array(
  fc.record({
    x: fc.oneof(fc.constantFrom(100, 500, 890), fc.double({ min: 0, max: 1000, noNaN: true })),
    width: fc.double({ min: 10, max: 200, noNaN: true }),
  }),
  { maxLength: 40 },
);

describe('packLabels', () => {
  it('never lets two labels of one row come closer than the gap', () => {
    fc.assert(
      fc.property(labels, (ls) => {
        const placed = packLabels(ls, BOUNDS, 10);
        placed.forEach((a, i) =>
          placed.forEach((b, j) => {
            if (i >= j || a.row !== b.row) return;
            const [left, right] = a.x <= b.x ? [i, j] : [j, i];
            expect(placed[left]!.x + ls[left]!.width + 10).toBeLessThanOrEqual(placed[right]!.x + 1e-9);
          }),
        );
      }),
    );
  });

  it('keeps each label where it belongs, pulled inside the bounds only when it would stick out', () => {
    fc.assert(
      fc.property(labels, (ls) => {
        packLabels(ls, BOUNDS, 10).forEach((p, i) => {
          expect(p.x).toBe(Math.max(BOUNDS[0], Math.min(ls[i]!.x, BOUNDS[1] - ls[i]!.width)));
          expect(p.row).toBeGreaterThanOrEqual(0);
          expect(p.row).toBeLessThan(ls.length);
        });
      }),
    );
  });

  it('uses one row when the labels fit side by side, a second only for one that collides', () => {
    expect(
      packLabels(
        [
          { x: 100, width: 50 },
          { x: 300, width: 50 },
        ],
        BOUNDS,
        10,
      ).map((p) => p.row),
    ).toEqual([0, 0]);
    expect(
      packLabels(
        [
          { x: 100, width: 50 },
          { x: 120, width: 50 },
          { x: 300, width: 50 },
        ],
        BOUNDS,
        10,
      ).map((p) => p.row),
    ).toEqual([0, 1, 0]);
  });
});
