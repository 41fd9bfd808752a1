import { nice, tickStep, ticks } from 'd3-array';

/** A linear map from data values to pixels, with the ticks to draw along it. */
export type LinearScale = {
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Increasing, inside the domain, multiples of one step of 1, 2 or 5 times a power of ten. */
  readonly ticks: readonly number[];
  /** Decimals that tell every tick apart (0.75 and 0.80 need 2, 0.755 needs 3). */
  readonly decimals: number;
  readonly at: (value: number) => number;
};

export type FitOptions = {
  /** The values can never leave these bounds (rewards: 0 and 1), so neither does the axis. */
  readonly bounds: readonly [number, number];
  /**
   * The narrowest domain drawn: values closer than this are shown close, not stretched over the whole
   * height (a 0.001 difference is noise, not a result).
   */
  readonly minSpan: number;
  readonly tickCount?: number;
};

/** Room left around the values, as a share of their spread, so no point sits on the frame. */
const PADDING = 0.08;

function linear(domain: readonly [number, number], range: readonly [number, number], tickValues: readonly number[], step: number): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const width = d1 - d0 || 1;
  return {
    domain,
    range,
    ticks: tickValues,
    decimals: Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)),
    at: (value) => r0 + ((value - d0) / width) * (r1 - r0),
  };
}

function clampInto(lo: number, hi: number, [b0, b1]: readonly [number, number]): [number, number] {
  const span = Math.min(hi - lo, b1 - b0);
  if (lo < b0) return [b0, b0 + span];
  if (hi > b1) return [b1 - span, b1];
  return [lo, hi];
}

/**
 * A value axis fitted to the values, so that 0.75 and 0.82 are far apart instead of flattened against a
 * 0 to 1 scale: the values' spread (at least `minSpan`), padded, kept within the bounds, then widened to
 * the nearest ticks.
 */
export function fittedScale(values: readonly number[], range: readonly [number, number], options: FitOptions): LinearScale {
  const count = options.tickCount ?? 6;
  const finite = values.filter(Number.isFinite);
  const [b0, b1] = options.bounds;
  let lo = finite.length ? Math.max(b0, Math.min(...finite)) : b0;
  let hi = finite.length ? Math.min(b1, Math.max(...finite)) : b1;
  if (hi - lo < options.minSpan) {
    const middle = (lo + hi) / 2;
    [lo, hi] = [middle - options.minSpan / 2, middle + options.minSpan / 2];
  }
  const pad = (hi - lo) * PADDING;
  [lo, hi] = clampInto(lo - pad, hi + pad, options.bounds);
  const [n0, n1] = nice(lo, hi, count);
  const domain: [number, number] = [Math.max(b0, n0), Math.min(b1, n1)];
  return linear(domain, range, ticks(domain[0], domain[1], count), tickStep(domain[0], domain[1], count));
}

/** An axis of whole numbers from 0 to `max` (seq numbers, counts): integer ticks only, ending at `max`. */
export function countScale(max: number, range: readonly [number, number], tickCount = 8): LinearScale {
  const top = Math.max(1, max);
  const step = Math.max(1, tickStep(0, top, tickCount));
  return linear([0, top], range, ticks(0, top, tickCount).filter(Number.isInteger), step);
}
