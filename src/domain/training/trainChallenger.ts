import type { FeatureSettings, RouterVersion, TrainingSettings } from '../routerVersion.js';
import { quantiseModel } from '../routing/linearModel.js';
import { trainRewardModels } from './trainer.js';
import type { TrainingSet } from './trainingSet.js';

export type ChallengerSpec = {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly parentId: string | null;
  readonly explorationRate: number;
  readonly features: FeatureSettings;
  readonly training: TrainingSettings;
};

/** Trains a learned router version, ready to be recorded in full in a ChallengerTrained event. */
export function trainChallenger(spec: ChallengerSpec, samples: TrainingSet): Extract<RouterVersion, { kind: 'learned' }> {
  const model = trainRewardModels(samples, spec.features, spec.training);
  return { ...spec, kind: 'learned', model: quantiseModel(model) };
}
