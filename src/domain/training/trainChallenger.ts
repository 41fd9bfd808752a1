import type { BaselineParams, FeatureSettings, RouterVersion, SafetySettings, TrainingSettings } from '../../events/model/routerVersion.js';
import { encodeEvidence } from '../routing/evidence.js';
import { quantiseModel } from '../routing/linearModel.js';
import { countEvidence } from './evidenceCounts.js';
import { trainRewardModels } from './trainer.js';
import type { TrainingSet } from './trainingSet.js';

/**
 * Safe improvement's defaults, chosen on the validation split carved from the CLINC150 train requests
 * (docs/learning.md, "Safe challengers"): a route needs the evidence of at least one sample of requests like
 * this one to displace the logged behaviour's choice, and is ranked by its estimate less half a standard error.
 */
export const DEFAULT_SAFETY: SafetySettings = { method: 'spibb', minEvidence: 1, pessimism: 0.5, minAbsentEvidence: 5 };

export type ChallengerSpec = {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly parentId: string | null;
  readonly explorationRate: number;
  /** The share of exploration the challenger gives its runner-up route (absent: uniform exploration only). */
  readonly runnerUpShare?: number;
  readonly features: FeatureSettings;
  readonly training: TrainingSettings;
  /** Safe improvement's settings: absent, the defaults; null, none (the router follows its estimates alone). */
  readonly safety?: SafetySettings | null;
  /** The router whose logs these mostly are (the cycle's baseline), whose choice the challenger keeps where evidence is thin. */
  readonly behaviour?: RouterVersion;
  /** 'runner-up': a safe challenger with a reference leaves its choice only for its runner-up (`SafeRoutingSchema`). */
  readonly departures?: 'runner-up';
};

/**
 * The reference a challenger keeps to: the baseline rule at the root of the behaviour's lineage. A learned
 * behaviour's own reference is carried down instead of the behaviour itself, so a version never nests its
 * predecessors (each is half a megabyte); where a learned behaviour moved away from the rule it did so on
 * evidence, and that evidence is in the log the challenger learns from.
 */
export function referenceOf(behaviour: RouterVersion | undefined): BaselineParams | null {
  if (!behaviour) return null;
  switch (behaviour.kind) {
    case 'baseline':
      return behaviour.params;
    case 'learned':
      return behaviour.safety?.reference ?? null;
    case 'constant':
    case 'oracle':
      return null;
    default:
      return behaviour satisfies never;
  }
}

/** Trains a learned router version, ready to be recorded in full in a ChallengerTrained event. */
export function trainChallenger(spec: ChallengerSpec, samples: TrainingSet): Extract<RouterVersion, { kind: 'learned' }> {
  const { safety: requested, behaviour, departures, ...header } = spec;
  const safety = requested === undefined ? DEFAULT_SAFETY : requested;
  const model = quantiseModel(trainRewardModels(samples, spec.features, spec.training));
  if (!safety) return { ...header, kind: 'learned', model };
  const evidence = encodeEvidence(countEvidence(samples, 1 << spec.features.bits));
  const reference = referenceOf(behaviour);
  // Without a reference there is no rule's runner-up to keep to.
  const kept = departures && reference ? { departures } : {};
  return { ...header, kind: 'learned', model: { ...model, evidence }, safety: { ...safety, reference, ...kept } };
}
