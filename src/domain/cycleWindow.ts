import type { SeqRange } from '../events/catalogue.js';
import { countRecordedAfter } from '../projections/idIndex.js';
import type { MemabraState } from '../projections/state.js';
import { CYCLE_WINDOW } from './windowSize.js';

export { CYCLE_WINDOW } from './windowSize.js';

/**
 * The seq range of the latest `size` recorded trajectories (all of them when the log holds fewer): from the
 * seq of the first of them to the state's last seq (empty, from the last seq + 1, when there are none).
 * Found by bisecting the seq line with the id index's count of records after a seq, a scan of packed
 * numbers, so it reads nothing of the log.
 */
export function cycleWindow(state: MemabraState, size: number = CYCLE_WINDOW): SeqRange {
  const ids = state.trajectories.ids;
  const count = Math.min(size, countRecordedAfter(ids, 0));
  if (count === 0) return { fromSeq: state.lastSeq + 1, toSeq: state.lastSeq, count: 0 };
  // The largest seq s with `count` records from s on: the count only falls as s grows.
  let low = 1;
  let high = state.lastSeq;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (countRecordedAfter(ids, middle - 1) >= count) low = middle;
    else high = middle - 1;
  }
  return { fromSeq: low, toSeq: state.lastSeq, count };
}
