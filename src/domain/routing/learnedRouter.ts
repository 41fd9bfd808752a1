import type { RouterVersion } from '../../events/model/routerVersion.js';
import { ROUTES, type RouteScores } from '../../events/model/vocabulary.js';
import type { FeatureSettings } from '../../events/model/routerVersion.js';
import { decodeEvidence, effectiveCount, kindCounts, type EvidenceCounts } from './evidence.js';
import { absenceBucket, extractFeatures, kindFeatures, type SparseVector } from './features.js';
import { denseModel, type DenseModel } from './linearModel.js';
import { summariseCandidates, type RouteContext } from './routeContext.js';
import { scoreBaseline } from './baselineRouter.js';
import { greedyIndex, KINDS_BROUGHT, runnerUpIndex, safeRouteScores } from './safeImprovement.js';

type LearnedVersion = Extract<RouterVersion, { kind: 'learned' }>;

export function predictRoute(model: DenseModel, features: SparseVector, route: number): number {
  const weights = model.weights[route]!;
  let sum = model.bias[route]!;
  for (let i = 0; i < features.length; i++) sum += weights[features.indices[i]!]! * features.values[i]!;
  return sum;
}

/** Expected reward of each route under the version's per-route reward model, in ROUTES order. */
export function predictRewards(version: LearnedVersion, given: RouteContext): number[] {
  const context = withoutEpisode(given);
  const model = denseModel(version.model, version.features.bits);
  const features = extractFeatures(version.features, context);
  return ROUTES.map((_, r) => predictRoute(model, features, r));
}

/**
 * The episodic memory a case hit added is the hint's, not a retrieval: its score (the past reward) would
 * read as a memory that retrieved well. Training leaves it out the same way (`dataset.ts`).
 */
function withoutEpisode(context: RouteContext): RouteContext {
  const id = context.caseHint?.candidateId;
  return id === undefined ? context : { ...context, candidates: context.candidates.filter((c) => c.id !== id) };
}

/** Effective logged samples of each route for requests like this one, in ROUTES order; null without evidence. */
export function routeEvidence(version: LearnedVersion, given: RouteContext): number[] | null {
  const context = withoutEpisode(given);
  const counts = decodeEvidence(version.model, version.features.bits);
  if (!counts) return null;
  return kindCounts(counts, kindFeatures(extractFeatures(version.features, context), version.features, context));
}

/**
 * Per route, where the request was offered no candidate of a kind the route brings: how many samples of
 * the route the log holds with that kind absent (the rarest such kind); null where it was offered every one.
 */
function absentCounts(counts: EvidenceCounts, settings: FeatureSettings, context: RouteContext): (number | null)[] {
  // Without candidate features no absence marker is extracted, so the log cannot say: the rule does not apply.
  if (!settings.candidateFeatures) return ROUTES.map(() => null);
  const summary = summariseCandidates(context.candidates);
  return ROUTES.map((route, r) => {
    const absent = KINDS_BROUGHT[route].filter((kind) => summary[kind].count === 0);
    return absent.length === 0 ? null : Math.min(...absent.map((kind) => counts[r]![absenceBucket(settings, kind)]!));
  });
}

/**
 * Each route's score: the expected reward under the per-route reward model; for a version that improves
 * safely, the lower confidence bound, with routes that lack evidence for this request kept from displacing
 * the logged behaviour's choice (safeImprovement.ts).
 */
export function scoreLearned(version: LearnedVersion, given: RouteContext): RouteScores {
  const context = withoutEpisode(given);
  const model = denseModel(version.model, version.features.bits);
  const features = extractFeatures(version.features, context);
  const estimates = ROUTES.map((_, r) => predictRoute(model, features, r));
  const counts = version.safety ? decodeEvidence(version.model, version.features.bits) : null;
  if (version.safety && counts) {
    const kind = kindFeatures(features, version.features, context);
    const { reference, departures } = version.safety;
    const rule = reference ? scoreBaseline(reference, context) : null;
    return safeRouteScores(
      // The shape's evidence is needed only to estimate a behaviour that is not known: computed then only.
      {
        estimates,
        counts: kindCounts(counts, kind),
        shapeCounts: () => ROUTES.map((_, r) => effectiveCount(counts[r]!, features)),
        absentCounts: absentCounts(counts, version.features, context),
      },
      version.safety,
      rule ? greedyIndex(rule) : null,
      rule && departures === 'runner-up' ? runnerUpIndex(rule) : null,
    );
  }
  return { direct: estimates[0]!, memory: estimates[1]!, tool: estimates[2]!, skill: estimates[3]!, composite: estimates[4]! };
}
