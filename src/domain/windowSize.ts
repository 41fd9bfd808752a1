/**
 * The most trajectories one cycle reads: the latest ones of the log, whose training share trains the
 * challenger and whose held-out share judges it. A bound, so that a cycle costs the same at a million
 * trajectories as at twenty thousand, instead of re-reading and refitting the whole log every time.
 *
 * Why 20,000: every learning run measured in docs/learning.md ends with fewer trajectories (the demo's
 * 15,100 are the most), so none of them is changed by it; and a cycle at 200,000 events is to cost at most
 * 1.5 times one at 20,000, which leaves room for no more than about 30,000. A log's older trajectories stay
 * in the log and in every projection (the case index, live statistics); only training and held-out judging
 * look at the window.
 *
 * A module of its own, without imports, so the CLI's help and the edges' schemas can show it without
 * loading the state's modules.
 */
export const CYCLE_WINDOW = 20_000;
