export type PlacedLabel = { readonly x: number; readonly row: number };

/**
 * Puts labels that belong at a place along an axis into rows, so none covers another and none moves
 * sideways away from what it names: each keeps its x (pulled inside the bounds when it would stick out)
 * and goes into the first row, from 0, where it overlaps no label already there. Labels are taken left
 * to right; input order breaks ties.
 */
export function packLabels(labels: readonly { readonly x: number; readonly width: number }[], [lo, hi]: readonly [number, number], gap: number): PlacedLabel[] {
  const rowEnds: number[] = [];
  const out = new Array<PlacedLabel>(labels.length);
  const order = labels.map(({ x, width }, i) => ({ left: Math.max(lo, Math.min(x, hi - width)), width, i })).sort((a, b) => a.left - b.left || a.i - b.i);
  for (const { left, width, i } of order) {
    let row = rowEnds.findIndex((end) => end + gap <= left);
    if (row === -1) row = rowEnds.push(left + width) - 1;
    else rowEnds[row] = left + width;
    out[i] = { x: left, row };
  }
  return out;
}
