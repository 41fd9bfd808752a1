import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideCycle, type CycleOptions, type Learner, type LoggedTrajectory } from '../../src/domain/cycle.js';
import { suiteRef } from '../../src/domain/benchmark/benchmarkSuite.js';
import type { BenchmarkSuite } from '../../src/events/model/benchmarkSuite.js';
import { DEFAULT_HELD_OUT_RULE, isHeldOut } from '../../src/domain/evaluation/heldOutShare.js';
import { trainChallenger } from '../../src/domain/training/trainChallenger.js';
import { decideRecord } from '../../src/domain/record.js';
import { decideRollback } from '../../src/domain/rollback.js';
import { normaliseInput } from '../../src/projections/caseMemory.js';
import { CYCLE_TERMINAL_TYPES, type DomainEvent, type StoredEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, unseenTrajectoryCount, type MemabraState } from '../../src/projections/state.js';
import { baselineRegistered, context } from '../support/givenWhenThen.js';
import { stored } from '../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite, testCycleOptions } from '../support/learningFixtures.js';

const suite = smallSuite(150);

/** A log held in memory: events appended through the real decide functions, folded as the shell does. */
class Log {
  events: StoredEvent[] = [];
  state: MemabraState = initialState;
  private ids = 0;
  append(events: readonly DomainEvent[]): void {
    const added = stored(events, this.events.length + 1);
    this.events.push(...added);
    this.state = foldEvents(this.state, added);
  }
  ctx() {
    return context(new Date(Date.parse('2026-11-25T12:00:00.000Z') + this.events.length * 1000).toISOString(), 10_000 + 1000 * this.ids++);
  }
  trajectories(): LoggedTrajectory[] {
    return this.events.flatMap((e) => (e.type === 'TrajectoryRecorded' ? [{ seq: e.seq, trajectory: e.data.trajectory }] : []));
  }
}

function initialised(): Log {
  const log = new Log();
  log.append([baselineRegistered(baselineVersion().id)]);
  return log;
}

function record(log: Log, from: number, count: number, seed: number, extraInputs: string[] = []): void {
  const inputs = simulatedTrajectories(baselineVersion(), from, count, seed);
  for (const [i, input] of extraInputs.entries()) inputs.push({ ...inputs[i % inputs.length]!, task: { input } });
  const result = decideRecord({ trajectories: inputs }, log.state, log.ctx());
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  log.append(result.value);
}

async function cycle(log: Log, options: Partial<CycleOptions> = {}, learner?: () => never): Promise<DomainEvent[]> {
  const result = await decideCycle({ state: log.state, trajectories: log.trajectories(), benchmark: suite, options: testCycleOptions(options), context: log.ctx(), ...(learner ? { learner } : {}) });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  log.append(result.value);
  return result.value;
}

const types = (events: readonly DomainEvent[]) => events.map((e) => e.type);

describe('decideCycle', () => {
  it('given fewer new trajectories than needed, when a cycle runs, then it starts and is skipped, saying how many', async () => {
    const log = initialised();
    record(log, 0, 5, 1);
    const events = await cycle(log, { minNewTrajectories: 10 });
    expect(types(events)).toEqual(['CycleStarted', 'CycleSkipped']);
    expect(events[1]!.data).toMatchObject({ newTrajectoryCount: 5, minNewTrajectories: 10 });
  });

  it('given enough trajectories, then it trains on all of them, evaluates both routers, and promotes a justified challenger', async () => {
    const log = initialised();
    record(log, 0, 3000, 1);
    const active = log.state.active!.versionId;
    const events = await cycle(log);
    expect(types(events)).toEqual(['CycleStarted', 'ChallengerTrained', 'ChallengerEvaluated', 'ChallengerPromoted']);
    const [started, trained, evaluated, promoted] = events as [DomainEvent & { type: 'CycleStarted' }, DomainEvent & { type: 'ChallengerTrained' }, DomainEvent & { type: 'ChallengerEvaluated' }, DomainEvent & { type: 'ChallengerPromoted' }];
    expect(started.data.newTrajectories).toMatchObject({ count: 3000 });
    expect(started.data.evidence).toMatchObject({ type: 'suite', source: 'option', benchmark: { name: suite.name, taskCount: 150 } });
    expect(trained.data.challenger).toMatchObject({ kind: 'learned', label: 'v2', parentId: active });
    expect(trained.data.trainingSet.count + trained.data.excluded.length + trained.data.heldOut!.count).toBe(3000);
    expect(evaluated.data.challenger.metrics.meanReward).toBeGreaterThan(evaluated.data.baseline.metrics.meanReward);
    expect(promoted.data).toMatchObject({ versionId: trained.data.challenger.id, priorVersionId: active });
    expect(promoted.data.reasons.every((r) => r.passed)).toBe(true);
    expect(log.state.active).toMatchObject({ versionId: trained.data.challenger.id, source: { type: 'promoted' }, priorVersionId: active });
    expect(log.state.reports.get(started.data.cycleId)).toMatchObject({ decision: 'promoted', promotedVersionId: trained.data.challenger.id });
  });

  it('given a dry run, then everything is computed and reported, and nothing is promoted', async () => {
    const log = initialised();
    record(log, 0, 3000, 1);
    const before = log.state.active;
    const events = await cycle(log, { dryRun: true });
    expect(types(events)).toEqual(['CycleStarted', 'ChallengerTrained', 'ChallengerEvaluated', 'ChallengerRejected']);
    expect(events[3]!.data).toMatchObject({ dryRun: true, wouldPromote: true });
    expect(log.state.active).toEqual(before);
  });

  it('given a challenger that cannot clear the reward gate, then it is rejected with the failing gate named and the active router untouched', async () => {
    const log = initialised();
    record(log, 0, 3000, 1);
    const before = log.state.active;
    const events = await cycle(log, { policy: { ...testCycleOptions().policy, minRewardDelta: 0.9 } });
    expect(types(events).at(-1)).toBe('ChallengerRejected');
    const rejected = events.at(-1) as DomainEvent & { type: 'ChallengerRejected' };
    expect(rejected.data.reasons.filter((r) => !r.passed).map((r) => r.gate)).toEqual(['reward-delta']);
    expect(log.state.active).toEqual(before);
  });

  it('given a learner that throws, then the cycle ends in CycleFailed with the error, and the active router is untouched', async () => {
    const log = initialised();
    record(log, 0, 50, 1);
    const before = log.state.active;
    const events = await cycle(log, {}, () => {
      throw new Error('out of memory while fitting');
    });
    expect(events).toEqual([expect.objectContaining({ type: 'CycleStarted' }), { type: 'CycleFailed', data: expect.objectContaining({ stage: 'training', error: 'out of memory while fitting' }) }]);
    expect(log.state.active).toEqual(before);
  });

  it('given a baseline version that does not exist, then it is refused before anything is decided', async () => {
    const log = initialised();
    const result = await decideCycle({ state: log.state, trajectories: [], benchmark: suite, options: testCycleOptions({ baselineVersion: 'v7' }), context: log.ctx() });
    expect(result).toEqual({ ok: false, error: { type: 'version-not-found', ref: 'v7' } });
  });

  it('holds the loop laws over generated histories of records, cycles, dry runs and rollbacks', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('record' as const), count: fc.integer({ min: 100, max: 600 }), seed: fc.nat(), benchmarkCopies: fc.nat(3) }),
      fc.record({ kind: fc.constant('cycle' as const), dryRun: fc.boolean(), minNew: fc.integer({ min: 1, max: 150 }), strict: fc.boolean() }),
      fc.record({ kind: fc.constant('rollback' as const), pick: fc.nat() }),
    );
    let decidedCycles = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 7 }), async (ops) => {
        const log = initialised();
        let offset = 0;
        let lastWasCompletedCycle = false;
        for (const o of ops) {
          const activeBefore = log.state.active;
          if (o.kind === 'record') {
            record(log, offset, o.count, o.seed, suite.tasks.slice(0, o.benchmarkCopies).map((t) => `  ${t.input.toUpperCase()}`));
            offset += o.count;
            lastWasCompletedCycle = false;
          } else if (o.kind === 'rollback') {
            const versions = [...log.state.versions.keys()];
            const result = decideRollback({ target: versions[o.pick % versions.length]!, reason: 'generated' }, log.state);
            if (result.ok) log.append(result.value);
            else expect(result.error.type).toBe('already-active');
          } else {
            const policy = o.strict ? { ...testCycleOptions().policy, minRewardDelta: 0.95 } : testCycleOptions().policy;
            const events = await cycle(log, { dryRun: o.dryRun, minNewTrajectories: o.minNew, policy });
            const terminal = events.filter((e) => (CYCLE_TERMINAL_TYPES as readonly string[]).includes(e.type));
            expect(terminal).toHaveLength(1);
            // A cycle right after a completed cycle, with no new trajectories, is skipped.
            if (lastWasCompletedCycle) expect(terminal[0]!.type).toBe('CycleSkipped');
            // Only a promotion changes the active router.
            if (terminal[0]!.type !== 'ChallengerPromoted') expect(log.state.active).toEqual(activeBefore);
            // The benchmark's inputs never appear in a training set.
            const trained = events.find((e) => e.type === 'ChallengerTrained');
            if (trained?.type === 'ChallengerTrained') {
              const benchmarkInputs = new Set(suite.tasks.map((t) => normaliseInput(t.input)));
              const excluded = new Set(trained.data.excluded.map((e) => e.trajectoryId));
              for (const { trajectory } of log.trajectories()) {
                expect(excluded.has(trajectory.id)).toBe(benchmarkInputs.has(normaliseInput(trajectory.task.input)));
              }
            }
            lastWasCompletedCycle = ['ChallengerPromoted', 'ChallengerRejected'].includes(terminal[0]!.type) && !o.dryRun;
            if (terminal[0]!.type !== 'CycleSkipped') decidedCycles += 1;
          }
        }
        // Replaying the whole log gives the state that was folded live, rollbacks included.
        expect(foldEvents(initialState, log.events)).toEqual(log.state);
      }),
      { numRuns: 12, seed: 20261125 },
    );
    // The laws were exercised by cycles that trained and decided, not only by skipped ones.
    expect(decidedCycles).toBeGreaterThan(3);
  });
});

describe('decideCycle: what judges the challenger', () => {
  const registered = (s: BenchmarkSuite): DomainEvent => ({ type: 'BenchmarkRegistered', data: { benchmark: suiteRef(s), storage: { type: 'file', path: `benchmarks/${suiteRef(s).hash}.json` } } });
  const otherSuite = smallSuite(120);

  async function judge(log: Log, inputs: { benchmark?: BenchmarkSuite; registered?: BenchmarkSuite; options?: Partial<CycleOptions>; learner?: Learner } = {}) {
    const { options, ...suites } = inputs;
    const result = await decideCycle({ state: log.state, trajectories: log.trajectories(), options: testCycleOptions(options), context: log.ctx(), ...suites });
    if (!result.ok) return result;
    log.append(result.value);
    return result;
  }
  const eventsOf = (result: Awaited<ReturnType<typeof judge>>) => {
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value;
  };
  const find = <T extends DomainEvent['type']>(events: readonly DomainEvent[], type: T) => events.find((e) => e.type === type) as Extract<DomainEvent, { type: T }>;

  it('given no suite, when the held-out share is too thin, then the cycle is skipped saying how much more it needs, and nothing is consumed', async () => {
    const log = initialised();
    record(log, 0, 300, 1);
    const events = eventsOf(await judge(log));
    expect(types(events)).toEqual(['CycleStarted', 'CycleSkipped']);
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'held-out', rule: DEFAULT_HELD_OUT_RULE });
    const thin = find(events, 'CycleSkipped').data.thinEvidence!;
    expect(thin.requiredCount).toBe(100);
    expect(thin.heldOutCount).toBeGreaterThan(30);
    expect(thin.heldOutCount).toBeLessThan(100);
    expect(thin.moreTrajectoriesNeeded).toBe(Math.ceil((100 - thin.heldOutCount) / 0.2));
    expect(unseenTrajectoryCount(log.state)).toBe(300);
    expect(log.state.reports.get(find(events, 'CycleStarted').data.cycleId)).toMatchObject({ decision: 'skipped', thinEvidence: thin });
  });

  it('given no suite and enough held-out traffic, then it trains without the held-out share and judges on it with paired off-policy estimates', async () => {
    const log = initialised();
    record(log, 0, 3000, 1);
    let trainedOn = -1;
    const learner: Learner = (spec, samples) => {
      trainedOn = samples.count;
      return trainChallenger(spec, samples);
    };
    const events = eventsOf(await judge(log, { learner }));
    expect(types(events).slice(0, 3)).toEqual(['CycleStarted', 'ChallengerTrained', 'ChallengerEvaluated']);
    const trained = find(events, 'ChallengerTrained').data;
    const heldOut = [...log.trajectories()].filter(({ trajectory }) => isHeldOut(DEFAULT_HELD_OUT_RULE, trajectory)).length;
    expect(trained.heldOut).toEqual({ rule: DEFAULT_HELD_OUT_RULE, count: heldOut });
    expect(trainedOn).toBe(3000 - heldOut);
    expect(trained.trainingSet.count).toBe(3000 - heldOut);
    const evaluated = find(events, 'ChallengerEvaluated').data;
    expect(evaluated.evidence).toEqual({ type: 'held-out', rule: DEFAULT_HELD_OUT_RULE });
    expect(evaluated.judged).toMatchObject({ count: heldOut });
    expect(evaluated.comparison).toMatchObject({ method: 'paired-dr-bootstrap', reward: { count: heldOut }, snipsReward: { count: heldOut } });
    expect(evaluated.offPolicy.sampleCount).toBe(heldOut);
    const end = events.at(-1)!;
    expect(end.type === 'ChallengerPromoted' || end.type === 'ChallengerRejected').toBe(true);
    expect(log.state.heldOutRule).toEqual(DEFAULT_HELD_OUT_RULE);
  });

  it('given a registered suite, then it judges, and the whole log trains', async () => {
    const log = initialised();
    log.append([registered(suite)]);
    record(log, 0, 3000, 1);
    const events = eventsOf(await judge(log, { registered: suite }));
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'suite', source: 'registered', benchmark: suiteRef(suite) });
    const trained = find(events, 'ChallengerTrained').data;
    expect(trained.heldOut).toBeNull();
    expect(trained.trainingSet.count + trained.excluded.length).toBe(3000);
    expect(find(events, 'ChallengerEvaluated').data.comparison).toMatchObject({ method: 'paired-bootstrap', reward: { count: 150 }, snipsReward: null });
  });

  it('given a registered suite, when the cycle is passed a suite of its own, then that suite judges', async () => {
    const log = initialised();
    log.append([registered(suite)]);
    record(log, 0, 3000, 1);
    const events = eventsOf(await judge(log, { benchmark: otherSuite, registered: suite }));
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'suite', source: 'option', benchmark: suiteRef(otherSuite) });
    expect(find(events, 'ChallengerEvaluated').data.baseline.metrics.taskCount).toBe(120);
  });

  it('given a later registration, then it replaces the earlier one', async () => {
    const log = initialised();
    log.append([registered(otherSuite)]);
    log.append([registered(suite)]);
    expect(log.state.benchmark?.ref).toEqual(suiteRef(suite));
    record(log, 0, 200, 1);
    const events = eventsOf(await judge(log, { registered: suite, options: { dryRun: true } }));
    expect(find(events, 'CycleStarted').data.evidence).toMatchObject({ type: 'suite', source: 'registered', benchmark: { name: suite.name } });
  });

  it('given a registered suite that cannot be handed over as registered, then the cycle is refused and nothing is decided', async () => {
    const log = initialised();
    log.append([registered(suite)]);
    record(log, 0, 200, 1);
    for (const handed of [undefined, otherSuite]) {
      const result = await judge(log, handed ? { registered: handed } : {});
      expect(result).toEqual({ ok: false, error: { type: 'invalid-input', message: expect.stringMatching(/registered benchmark .* could not be read back/) } });
    }
    expect(log.state.reports.size).toBe(0);
  });

  it('given a held-out rule a cycle of this log recorded, then later cycles keep it', async () => {
    const log = initialised();
    const rule = { method: 'sha256-trajectory-id' as const, share: 0.3 };
    log.append([{ type: 'ChallengerTrained', data: { cycleId: 'earlier', challenger: baselineVersion('EARLIER000000000000000000001'), trainingSet: { fromSeq: 1, toSeq: 1, count: 0 }, excluded: [], heldOut: { rule, count: 0 } } }]);
    record(log, 0, 3000, 1);
    const events = eventsOf(await judge(log, { options: { dryRun: true } }));
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'held-out', rule });
    const expected = [...log.trajectories()].filter(({ trajectory }) => isHeldOut(rule, trajectory)).length;
    expect(find(events, 'ChallengerTrained').data.heldOut).toEqual({ rule, count: expected });
  });
});
