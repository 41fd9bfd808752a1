/**
 * Moves marks along one axis as little as possible so that no two are closer than `gap`, keeping their
 * order and the bounds: how a chart keeps one version's point from hiding under another's. When the
 * marks cannot all fit `gap` apart, the gap shrinks to what fits.
 *
 * Least squares under order and spacing constraints is isotonic regression of `p[i] - i * gap`, solved
 * exactly by pooling adjacent violators; clamping that solution into the bounds keeps it optimal.
 */
export function spreadPositions(positions: readonly number[], gap: number, [lo, hi]: readonly [number, number]): number[] {
  const n = positions.length;
  if (n === 0) return [];
  const step = n > 1 ? Math.min(gap, (hi - lo) / (n - 1)) : 0;
  // Ties keep their input order, so equal positions spread the same way every time.
  const order = positions.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const blocks: { sum: number; count: number }[] = [];
  order.forEach(({ p }, rank) => {
    blocks.push({ sum: p - rank * step, count: 1 });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const before = blocks[blocks.length - 2]!;
      if (before.sum / before.count <= last.sum / last.count) break;
      blocks.pop();
      before.sum += last.sum;
      before.count += last.count;
    }
  });
  const out = new Array<number>(n);
  let rank = 0;
  for (const block of blocks) {
    const base = Math.min(Math.max(block.sum / block.count, lo), hi - (n - 1) * step);
    for (let k = 0; k < block.count; k++, rank++) out[order[rank]!.i] = base + rank * step;
  }
  return out;
}
