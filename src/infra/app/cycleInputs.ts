import { z } from 'zod';
import type { CycleCommand, CycleOptions, Learner, LoggedTrajectory } from '../../domain/cycle.js';
import { CYCLE_WINDOW, cycleWindow } from '../../domain/cycleWindow.js';
import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import { DEFAULT_POLICY, PolicyOverridesSchema, PromotionPolicySchema, type PolicyOverrides } from '../../events/model/promotionPolicy.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../domain/training/trainer.js';
import type { MemabraState } from '../../projections/state.js';
import { describeZodIssues } from '../../domain/trajectoryInput.js';
import { loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { loadRegisteredBenchmark } from './benchmarks.js';
import { allEvents } from './logEvents.js';
import type { Retry } from './commandHandler.js';
import type { Session } from './session.js';

export type CycleRequest = {
  dryRun?: boolean;
  minNewTrajectories?: number;
  baselineVersion?: string;
  /**
   * A suite to judge this cycle on (a file, or one already loaded); without it, the suite registered for
   * the log, else the log's own held-out traffic.
   */
  benchmark?: string | BenchmarkSuite;
  policy?: PolicyOverrides;
  seed?: number;
  explorationRate?: number;
  /** The most trajectories the cycle reads, train and judge on, the latest ones; default CYCLE_WINDOW (20,000). */
  window?: number;
  learner?: Learner;
};

export const DEFAULT_MIN_NEW_TRAJECTORIES = 100;

/**
 * A cycle as an agent asks for one, over MCP or HTTP: one schema, so the two take the same fields with the
 * same descriptions (the OpenAPI document and the MCP tool list show them). A client is not the operator:
 * the suite it names is confined to the data directory, the bundled suite and $MEMABRA_BENCHMARK_DIRS.
 */
export const ClientCycleSchema = z.strictObject({
  dryRun: z.boolean().optional().describe('compute and report everything, promote nothing'),
  minNewTrajectories: z.number().int().min(0).optional().describe(`skip unless this many unseen trajectories exist (default ${DEFAULT_MIN_NEW_TRAJECTORIES})`),
  baselineVersion: z.string().optional().describe('compare against this version (label, id or id prefix) instead of the active one'),
  benchmark: z
    .string()
    .optional()
    .describe(
      "a benchmark suite JSON file in the data directory (relative to it) or a directory the operator allows; default: the suite registered for the log, else the log's own held-out traffic",
    ),
  policy: PolicyOverridesSchema.optional().describe('overrides of the promotion policy; the rest keep their defaults'),
  window: z.number().int().min(1).optional().describe(`read, train and judge on the latest N trajectories (default ${CYCLE_WINDOW})`),
});

/** A window is a whole number of trajectories, at least one (a library caller's value is checked here, as the edges' are). */
const WindowSchema = z.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1');

/** A cycle as asked, once per call: its options, the suite it was given, its learner; the log's inputs come per decision. */
export type AskedCycle = Omit<CycleCommand, 'trajectories' | 'registered'>;

/** The request with its defaults, its suite file read and its policy checked: a bad one is refused before the log is read. */
export function askedCycle(request: CycleRequest): AskedCycle {
  const benchmark = request.benchmark === undefined ? undefined : typeof request.benchmark === 'string' ? loadBenchmark(request.benchmark) : request.benchmark;
  const policy = PromotionPolicySchema.safeParse({ ...DEFAULT_POLICY, ...request.policy });
  const window = WindowSchema.safeParse(request.window ?? CYCLE_WINDOW);
  const problems = [
    ...(policy.success ? [] : [`bad promotion policy: ${describeZodIssues(policy.error).join('; ')}`]),
    ...(window.success ? [] : [`bad window: ${window.error.issues.map((i) => i.message).join('; ')}`]),
  ];
  if (!policy.success || !window.success) throw new MemabraError('usage', problems.join('; '));
  const options: CycleOptions = {
    dryRun: request.dryRun ?? false,
    minNewTrajectories: request.minNewTrajectories ?? DEFAULT_MIN_NEW_TRAJECTORIES,
    ...(request.baselineVersion === undefined ? {} : { baselineVersion: request.baselineVersion }),
    policy: policy.data,
    seed: request.seed ?? 1,
    features: DEFAULT_FEATURES,
    training: DEFAULT_TRAINING,
    ...(request.explorationRate === undefined ? {} : { explorationRate: request.explorationRate }),
    window: window.data,
  };
  return { ...(benchmark ? { benchmark } : {}), options, ...(request.learner ? { learner: request.learner } : {}) };
}

/**
 * Streams the recorded trajectories from `fromSeq` up to `lastSeq` from the log, batch by batch: the store
 * starts reading at `fromSeq`, so a cycle reads its window, not the log before it.
 */
async function* trajectoriesBetween(session: Session, fromSeq: number, lastSeq: number): AsyncGenerator<LoggedTrajectory> {
  for await (const event of allEvents(session.store, fromSeq)) {
    if (event.seq > lastSeq) return;
    if (event.type === 'TrajectoryRecorded') yield { seq: event.seq, trajectory: event.data.trajectory };
  }
}

/**
 * The cycle's command for the state it is decided on: what was asked, the trajectories of its window up to
 * the state's last seq (a stream), and the suite the log registered, read back, when no suite was given.
 */
export async function gatheredCycle(session: Session, asked: AskedCycle, state: MemabraState): Promise<CycleCommand> {
  const registered = asked.benchmark === undefined && state.benchmark ? await loadRegisteredBenchmark(session, state.benchmark) : undefined;
  const window = cycleWindow(state, asked.options.window ?? CYCLE_WINDOW);
  return { ...asked, trajectories: trajectoriesBetween(session, window.fromSeq, state.lastSeq), ...(registered ? { registered } : {}) };
}

/**
 * Trajectories recorded while a cycle was deciding do not change its decision: they are outside the range
 * it consumes and stay unseen for the next cycle, and they move neither the active router nor the seen
 * mark. Every other event does change one of these (a cycle adds a report, a registration a version, a
 * promotion or rollback the active router, a completed cycle the seen mark). When none changed since the
 * decision, the cycle appends as decided at the new end of the log; otherwise it must decide again.
 */
function decisionStillHolds(decidedOn: MemabraState, now: MemabraState): boolean {
  return (
    now.benchmark?.seq === decidedOn.benchmark?.seq &&
    now.versions.size === decidedOn.versions.size &&
    now.reports.size === decidedOn.reports.size &&
    now.active?.seq === decidedOn.active?.seq &&
    now.trajectories.seenThroughSeq === decidedOn.trajectories.seenThroughSeq
  );
}

/**
 * A cycle decides at most five times while other writers keep changing what it decides on (another cycle,
 * a rollback); a decision that still holds on the newer log (only trajectories recorded meanwhile) is
 * appended there instead, up to 50 times, so two cycles can never both promote from the same state.
 */
export const CYCLE_RETRY: Retry = {
  attempts: 5,
  stillHolds: decisionStillHolds,
  rebases: 50,
  outOfAttempts: 'the log kept changing under this cycle (other cycles or rollbacks); nothing was appended, run it again',
};
