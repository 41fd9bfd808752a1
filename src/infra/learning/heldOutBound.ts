import { expectedOutcome } from '../../domain/benchmark/rewardModel.js';
import { DEFAULT_HELD_OUT_RULE, isHeldOut } from '../../domain/evaluation/heldOutShare.js';
import { normalQuantile } from '../../domain/evaluation/normalQuantile.js';
import { greedyRoute, scoreRoutes } from '../../domain/routing/routeDecision.js';
import type { EventOf } from '../../events/catalogue.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import type { Route, Trajectory } from '../../events/model/vocabulary.js';
import type { MemabraState } from '../../projections/state.js';
import type { EventStore } from '../store/eventStore.js';

/**
 * How well any test of a cycle's held-out traffic could judge its challenger. The scenario knows the route
 * each request needs, so the challenger's true gain on the held-out requests is known; and the best a test
 * of those requests could do is to see both routers' outcomes on every one of them, a paired comparison
 * with no importance weights at all, which no off-policy estimate can beat (it sees one outcome of the
 * two). Its standard error is that of the mean of r_challenger - r_active over the requests, the outcomes
 * drawn from the reward model: the spread of the true gains plus each request's outcome noise where the
 * two routes differ. `needed` is how many held-out trajectories that test would need to show the true
 * gain at the cycle's confidence level, as the reward gate asks of its lower bound.
 */
export type HeldOutBound = {
  readonly heldOut: number;
  readonly gain: number;
  readonly standardError: number;
  /** Held-out trajectories the full-information test needs to show `gain`; null when the gain is not above 0. */
  readonly needed: number | null;
};

/** The bound for the last judged cycle of the log (null when none judged on held-out traffic). */
export async function heldOutBound(store: EventStore, state: MemabraState, needOf: ReadonlyMap<string, Route>): Promise<HeldOutBound | null> {
  let evaluated: EventOf<'ChallengerEvaluated'>['data'] | null = null;
  const trajectories: { seq: number; trajectory: Trajectory }[] = [];
  for await (const batch of store.readBatches()) {
    for (const event of batch) {
      if (event.type === 'ChallengerEvaluated') evaluated = event.data;
      if (event.type === 'TrajectoryRecorded') trajectories.push({ seq: event.seq, trajectory: event.data.trajectory });
    }
  }
  if (!evaluated?.judged) return null;
  const { fromSeq, toSeq } = evaluated.judged;
  const rule = state.heldOutRule ?? DEFAULT_HELD_OUT_RULE;
  const version = (id: string): RouterVersion => state.versions.get(id)!.version;
  const active = version(evaluated.baseline.versionId);
  const challenger = version(evaluated.challenger.versionId);
  const pairs: PairedRequest[] = [];
  for (const { seq, trajectory } of trajectories) {
    if (seq < fromSeq || seq > toSeq || !isHeldOut(rule, trajectory)) continue;
    const need = needOf.get(trajectory.task.input);
    if (!need) continue;
    const context = { input: trajectory.task.input, candidates: trajectory.candidates, caseHint: null };
    pairs.push({ need, active: greedyRoute(scoreRoutes(active, context)), challenger: greedyRoute(scoreRoutes(challenger, context)) });
  }
  return boundOf(pairs, evaluated.comparison?.confidenceLevel ?? 0.95);
}

/** One held-out request: the route it needs and the route each router takes greedily. */
export type PairedRequest = { readonly need: Route; readonly active: Route; readonly challenger: Route };

/**
 * The full-information paired test on these requests: each router's outcome drawn from the reward model
 * for its route, r_c - r_a per request. Its variance is the spread of the true gains over the requests plus
 * the outcomes' own noise where the routes differ (the same route gives both the same outcome).
 */
export function boundOf(pairs: readonly PairedRequest[], confidenceLevel: number): HeldOutBound | null {
  const n = pairs.length;
  if (n === 0) return null;
  let noise = 0;
  const gains = pairs.map(({ need, active, challenger }) => {
    const qa = expectedOutcome(need, active).reward;
    const qc = expectedOutcome(need, challenger).reward;
    if (active !== challenger) noise += qc * (1 - qc) + qa * (1 - qa);
    return qc - qa;
  });
  const gain = gains.reduce((a, b) => a + b, 0) / n;
  const variance = gains.reduce((sum, g) => sum + (g - gain) ** 2, 0) / n + noise / n;
  const z = normalQuantile(1 - (1 - confidenceLevel) / 2);
  // Below 1e-9 a gain is the rounding of sums of the reward table's tenths, not a gain.
  return { heldOut: n, gain, standardError: Math.sqrt(variance / n), needed: gain > 1e-9 ? Math.ceil((z * z * variance) / (gain * gain)) : null };
}
