import { decideCycle, type CycleOptions, type Learner, type LoggedTrajectory } from '../../domain/cycle.js';
import { DEFAULT_POLICY, PromotionPolicySchema, type PromotionPolicy } from '../../domain/promotionPolicy.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../domain/training/trainer.js';
import { DEFAULT_EXPLORATION_RATE } from '../../domain/init.js';
import type { StoredEvent } from '../../events/catalogue.js';
import type { TrainingReport } from '../../projections/state.js';
import { loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { allEvents, decideContext, loadState, unwrap, type Session } from './session.js';

export type CycleRequest = {
  dryRun?: boolean;
  minNewTrajectories?: number;
  baselineVersion?: string;
  benchmark?: string;
  policy?: Partial<PromotionPolicy>;
  seed?: number;
  explorationRate?: number;
  learner?: Learner;
};

export const DEFAULT_MIN_NEW_TRAJECTORIES = 100;

/** Streams the recorded trajectories up to `lastSeq` from the log, batch by batch. */
async function* trajectoriesUpTo(session: Session, lastSeq: number): AsyncGenerator<LoggedTrajectory> {
  for await (const event of allEvents(session.store)) {
    if (event.seq > lastSeq) return;
    if (event.type === 'TrajectoryRecorded') yield { seq: event.seq, trajectory: event.data.trajectory };
  }
}

/**
 * Runs one cycle: read the state, decide the cycle's events, append them conditionally on the log not
 * having moved. When another writer got in first (another cycle, or a record), it reads and decides again,
 * so two cycles can never both promote from the same state.
 */
export async function runCycle(session: Session, request: CycleRequest = {}): Promise<{ events: StoredEvent[]; report: TrainingReport; attempts: number }> {
  const benchmark = loadBenchmark(request.benchmark);
  const policy = PromotionPolicySchema.safeParse({ ...DEFAULT_POLICY, ...request.policy });
  if (!policy.success) throw new MemabraError('usage', `bad promotion policy: ${policy.error.issues[0]?.message}`);
  for (let attempt = 1; ; attempt++) {
    const state = await loadState(session.store);
    const options: CycleOptions = {
      dryRun: request.dryRun ?? false,
      minNewTrajectories: request.minNewTrajectories ?? DEFAULT_MIN_NEW_TRAJECTORIES,
      ...(request.baselineVersion === undefined ? {} : { baselineVersion: request.baselineVersion }),
      policy: policy.data,
      seed: request.seed ?? 1,
      features: DEFAULT_FEATURES,
      training: DEFAULT_TRAINING,
      explorationRate: request.explorationRate ?? DEFAULT_EXPLORATION_RATE,
    };
    const events = unwrap(
      await decideCycle({
        state,
        trajectories: trajectoriesUpTo(session, state.lastSeq),
        benchmark,
        options,
        context: decideContext(session.env),
        ...(request.learner ? { learner: request.learner } : {}),
      }),
    );
    try {
      const result = await session.store.append(
        events.map((event) => ({ ...event, id: session.env.newId() })),
        { expectedLastSeq: state.lastSeq },
      );
      const after = await loadState(session.store, { seq: result.lastSeq });
      const cycleId = (events[0] as Extract<StoredEvent, { type: 'CycleStarted' }>).data.cycleId;
      return { events: [...result.events], report: after.reports.get(cycleId)!, attempts: attempt };
    } catch (error) {
      if (!(error instanceof MemabraError && error.kind === 'conflict') || attempt >= 5) throw error;
    }
  }
}
