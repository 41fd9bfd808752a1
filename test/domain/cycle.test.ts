import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideCycle, type CycleCommand as Asked, type CycleOptions, type Learner } from '../../src/domain/cycle.js';
import { suiteRef } from '../../src/domain/benchmark/benchmarkSuite.js';
import type { BenchmarkSuite } from '../../src/events/model/benchmarkSuite.js';
import { DEFAULT_HELD_OUT_RULE, isHeldOut } from '../../src/domain/evaluation/heldOutShare.js';
import { trainChallenger } from '../../src/domain/training/trainChallenger.js';
import { createDatasetBuilder } from '../../src/domain/training/dataset.js';
import { DEFAULT_FEATURES } from '../../src/domain/training/trainer.js';
import type { TrainingSet } from '../../src/domain/training/trainingSet.js';
import { cycleWindow } from '../../src/domain/cycleWindow.js';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { decideRecord } from '../../src/domain/record.js';
import { decideRollback } from '../../src/domain/rollback.js';
import { normaliseInput } from '../../src/projections/caseMemory.js';
import { CYCLE_TERMINAL_TYPES, type DomainEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, unseenTrajectoryCount } from '../../src/projections/state.js';
import { appended, baselineRegistered, decider, history, loggedTrajectories, type History } from '../support/givenWhenThen.js';
import { baselineVersion, simulatedTrajectories, smallSuite, testCycleOptions } from '../support/learningFixtures.js';

const suite = smallSuite(150);

/** What a cycle is asked, beside what the shell reads from the log (the state, the trajectories) and the context. */
type CycleCommand = Omit<Asked, 'trajectories'>;
const cycle = decider((command: CycleCommand, state, context, log) => decideCycle({ ...command, trajectories: loggedTrajectories(log) }, state, context));
const record = decider(decideRecord);
const rollback = decider(decideRollback);

const initialised = (...more: DomainEvent[]) => history(baselineRegistered(baselineVersion().id), ...more);

/** The history with `count` trajectories of the simulated agent recorded through `record` (plus some with the given inputs). */
function recorded(past: History, from: number, count: number, seed: number, extraInputs: string[] = []): History {
  const inputs = simulatedTrajectories(baselineVersion(), from, count, seed);
  for (const [i, input] of extraInputs.entries()) inputs.push({ ...inputs[i % inputs.length]!, task: { input } });
  return record.given(past).when({ trajectories: inputs }).appended();
}

/** A cycle judged on the small suite passed to it. */
const onSuite = (options: Partial<CycleOptions> = {}, learner?: Learner): CycleCommand => ({
  benchmark: suite,
  options: testCycleOptions(options),
  ...(learner ? { learner } : {}),
});

const types = (events: readonly DomainEvent[]) => events.map((e) => e.type);
const anEvent = (type: DomainEvent['type']) => expect.objectContaining({ type });

describe('decideCycle', () => {
  it('given fewer new trajectories than needed, when a cycle runs, then it starts and is skipped, saying how many', async () => {
    await cycle
      .given(recorded(initialised(), 0, 5, 1))
      .when(onSuite({ minNewTrajectories: 10 }))
      .then(anEvent('CycleStarted'), { type: 'CycleSkipped', data: expect.objectContaining({ newTrajectoryCount: 5, minNewTrajectories: 10 }) });
  });

  it('given enough trajectories, then it trains on all of them, evaluates both routers, and promotes a justified challenger', async () => {
    const past = recorded(initialised(), 0, 3000, 1);
    const active = past.state.active!.versionId;
    const when = cycle.given(past).when(onSuite());
    const events = await when.events();
    expect(types(events)).toEqual(['CycleStarted', 'ChallengerTrained', 'ChallengerEvaluated', 'ChallengerPromoted']);
    const [started, trained, evaluated, promoted] = events as [
      DomainEvent & { type: 'CycleStarted' },
      DomainEvent & { type: 'ChallengerTrained' },
      DomainEvent & { type: 'ChallengerEvaluated' },
      DomainEvent & { type: 'ChallengerPromoted' },
    ];
    expect(started.data.newTrajectories).toMatchObject({ count: 3000 });
    expect(started.data.evidence).toMatchObject({ type: 'suite', source: 'option', benchmark: { name: suite.name, taskCount: 150 } });
    expect(trained.data.challenger).toMatchObject({ kind: 'learned', label: 'v2', parentId: active });
    expect(trained.data.trainingSet.count + trained.data.excluded.length + trained.data.heldOut!.count).toBe(3000);
    expect(evaluated.data.challenger.metrics.meanReward).toBeGreaterThan(evaluated.data.baseline.metrics.meanReward);
    expect(promoted.data).toMatchObject({ versionId: trained.data.challenger.id, priorVersionId: active });
    expect(promoted.data.reasons.every((r) => r.passed)).toBe(true);
    await when.thenStateMatches((s) => s.active, { versionId: trained.data.challenger.id, source: { type: 'promoted' }, priorVersionId: active });
    await when.thenStateMatches((s) => s.reports.get(started.data.cycleId), { decision: 'promoted', promotedVersionId: trained.data.challenger.id });
  });

  it('given a dry run, then everything is computed and reported, and nothing is promoted', async () => {
    const past = recorded(initialised(), 0, 3000, 1);
    const when = cycle.given(past).when(onSuite({ dryRun: true }));
    await when.then(anEvent('CycleStarted'), anEvent('ChallengerTrained'), anEvent('ChallengerEvaluated'), {
      type: 'ChallengerRejected',
      data: expect.objectContaining({ dryRun: true, wouldPromote: true }),
    });
    await when.thenState((s) => s.active, past.state.active);
  });

  it('given a challenger that cannot clear the reward gate, then it is rejected with the failing gate named and the active router untouched', async () => {
    const past = recorded(initialised(), 0, 3000, 1);
    const when = cycle.given(past).when(onSuite({ policy: { ...testCycleOptions().policy, minRewardDelta: 0.9 } }));
    const events = await when.events();
    expect(types(events).at(-1)).toBe('ChallengerRejected');
    const rejected = events.at(-1) as DomainEvent & { type: 'ChallengerRejected' };
    expect(rejected.data.reasons.filter((r) => !r.passed).map((r) => r.gate)).toEqual(['reward-delta']);
    await when.thenState((s) => s.active, past.state.active);
  });

  it('given a learner that throws, then the cycle ends in CycleFailed with the error, and the active router is untouched', async () => {
    const past = recorded(initialised(), 0, 50, 1);
    const when = cycle.given(past).when(
      onSuite({}, () => {
        throw new Error('out of memory while fitting');
      }),
    );
    await when.then(anEvent('CycleStarted'), {
      type: 'CycleFailed',
      data: expect.objectContaining({ stage: 'training', error: 'out of memory while fitting' }),
    });
    await when.thenState((s) => s.active, past.state.active);
  });

  it('given a baseline version that does not exist, then it is refused before anything is decided', async () => {
    await cycle
      .given(initialised())
      .when(onSuite({ baselineVersion: 'v7' }))
      .thenRefuses({ type: 'version-not-found', ref: 'v7' });
  });

  it("given an active rule that explores at its own rate, then the challenger keeps that rate, unless the cycle sets one, and the rule's runner-up share, at most half", async () => {
    const own = { ...baselineVersion(undefined, 0.03), runnerUpShare: 0.7 };
    const past = recorded(history({ type: 'RouterRegistered', data: { version: own, activate: true, reason: 'init' } }), 0, 3000, 1);
    const challengerOf = async (options: Partial<CycleOptions>) => {
      const trained = (
        await cycle
          .given(past)
          .when(onSuite({ dryRun: true, ...options }))
          .events()
      ).find((e) => e.type === 'ChallengerTrained');
      return (trained as DomainEvent & { type: 'ChallengerTrained' }).data.challenger;
    };
    expect(await challengerOf({})).toMatchObject({ explorationRate: 0.03, runnerUpShare: 0.5 });
    expect(await challengerOf({ explorationRate: 0.2 })).toMatchObject({ explorationRate: 0.2, runnerUpShare: 0.5 });
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
        // Grown decision by decision, each batch folded onto the state before it, as the shell folds the log.
        let past = initialised();
        let offset = 0;
        let lastWasCompletedCycle = false;
        for (const o of ops) {
          const activeBefore = past.state.active;
          if (o.kind === 'record') {
            past = recorded(
              past,
              offset,
              o.count,
              o.seed,
              suite.tasks.slice(0, o.benchmarkCopies).map((t) => `  ${t.input.toUpperCase()}`),
            );
            offset += o.count;
            lastWasCompletedCycle = false;
          } else if (o.kind === 'rollback') {
            const versions = [...past.state.versions.keys()];
            const result = rollback
              .given(past)
              .when({ target: versions[o.pick % versions.length]!, reason: 'generated' })
              .decision();
            if (result.ok) past = appended(past, result.value);
            else expect(result.error.type).toBe('already-active');
          } else {
            const policy = o.strict ? { ...testCycleOptions().policy, minRewardDelta: 0.95 } : testCycleOptions().policy;
            const when = cycle.given(past).when(onSuite({ dryRun: o.dryRun, minNewTrajectories: o.minNew, policy }));
            const events = await when.events();
            past = await when.appended();
            const terminal = events.filter((e) => (CYCLE_TERMINAL_TYPES as readonly string[]).includes(e.type));
            expect(terminal).toHaveLength(1);
            // A cycle right after a completed cycle, with no new trajectories, is skipped.
            if (lastWasCompletedCycle) expect(terminal[0]!.type).toBe('CycleSkipped');
            // Only a promotion changes the active router.
            if (terminal[0]!.type !== 'ChallengerPromoted') expect(past.state.active).toEqual(activeBefore);
            // The benchmark's inputs never appear in a training set.
            const trained = events.find((e) => e.type === 'ChallengerTrained');
            if (trained?.type === 'ChallengerTrained') {
              const benchmarkInputs = new Set(suite.tasks.map((t) => normaliseInput(t.input)));
              const excluded = new Set(trained.data.excluded.map((e) => e.trajectoryId));
              for (const { trajectory } of loggedTrajectories(past.log)) {
                expect(excluded.has(trajectory.id)).toBe(benchmarkInputs.has(normaliseInput(trajectory.task.input)));
              }
            }
            lastWasCompletedCycle = ['ChallengerPromoted', 'ChallengerRejected'].includes(terminal[0]!.type) && !o.dryRun;
            if (terminal[0]!.type !== 'CycleSkipped') decidedCycles += 1;
          }
        }
        // Replaying the whole log gives the state that was folded live, rollbacks included.
        expect(foldEvents(initialState, past.log)).toEqual(past.state);
      }),
      { numRuns: 12, seed: 20261125 },
    );
    // The laws were exercised by cycles that trained and decided, not only by skipped ones.
    expect(decidedCycles).toBeGreaterThan(3);
  });
});

describe('decideCycle: what judges the challenger', () => {
  const registered = (s: BenchmarkSuite): DomainEvent => ({
    type: 'BenchmarkRegistered',
    data: { benchmark: suiteRef(s), storage: { type: 'file', path: `benchmarks/${suiteRef(s).hash}.json` } },
  });
  const otherSuite = smallSuite(120);

  /** A cycle given what the shell hands over: a suite of its own, the registered one, or neither (held-out traffic). */
  const judgedBy = (
    inputs: { benchmark?: BenchmarkSuite; registered?: BenchmarkSuite; options?: Partial<CycleOptions>; learner?: Learner } = {},
  ): CycleCommand => {
    const { options, ...rest } = inputs;
    return { options: testCycleOptions(options), ...rest };
  };
  const find = <T extends DomainEvent['type']>(events: readonly DomainEvent[], type: T) =>
    events.find((e) => e.type === type) as Extract<DomainEvent, { type: T }>;

  it('given no suite, when the held-out share is too thin, then the cycle is skipped saying how much more it needs, and nothing is consumed', async () => {
    const when = cycle.given(recorded(initialised(), 0, 300, 1)).when(judgedBy());
    const events = await when.events();
    expect(types(events)).toEqual(['CycleStarted', 'CycleSkipped']);
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'held-out', rule: DEFAULT_HELD_OUT_RULE });
    const thin = find(events, 'CycleSkipped').data.thinEvidence!;
    expect(thin.requiredCount).toBe(100);
    expect(thin.heldOutCount).toBeGreaterThan(30);
    expect(thin.heldOutCount).toBeLessThan(100);
    expect(thin.moreTrajectoriesNeeded).toBe(Math.ceil((100 - thin.heldOutCount) / 0.2));
    await when.thenState(unseenTrajectoryCount, 300);
    await when.thenStateMatches((s) => s.reports.get(find(events, 'CycleStarted').data.cycleId), { decision: 'skipped', thinEvidence: thin });
  });

  it('given no suite and enough held-out traffic, then it trains without the held-out share and judges on it with paired off-policy estimates', async () => {
    const past = recorded(initialised(), 0, 3000, 1);
    let trainedOn = -1;
    const learner: Learner = (spec, samples) => {
      trainedOn = samples.count;
      return trainChallenger(spec, samples);
    };
    const when = cycle.given(past).when(judgedBy({ learner }));
    const events = await when.events();
    expect(types(events).slice(0, 3)).toEqual(['CycleStarted', 'ChallengerTrained', 'ChallengerEvaluated']);
    const trained = find(events, 'ChallengerTrained').data;
    const heldOut = loggedTrajectories(past.log).filter(({ trajectory }) => isHeldOut(DEFAULT_HELD_OUT_RULE, trajectory)).length;
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
    await when.thenState((s) => s.heldOutRule, DEFAULT_HELD_OUT_RULE);
  });

  it('given a registered suite, then it judges, and the whole log trains', async () => {
    const events = await cycle
      .given(recorded(initialised(registered(suite)), 0, 3000, 1))
      .when(judgedBy({ registered: suite }))
      .events();
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'suite', source: 'registered', benchmark: suiteRef(suite) });
    const trained = find(events, 'ChallengerTrained').data;
    expect(trained.heldOut).toBeNull();
    expect(trained.trainingSet.count + trained.excluded.length).toBe(3000);
    expect(find(events, 'ChallengerEvaluated').data.comparison).toMatchObject({ method: 'paired-bootstrap', reward: { count: 150 }, snipsReward: null });
  });

  it('given a registered suite, when the cycle is passed a suite of its own, then that suite judges', async () => {
    const events = await cycle
      .given(recorded(initialised(registered(suite)), 0, 3000, 1))
      .when(judgedBy({ benchmark: otherSuite, registered: suite }))
      .events();
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'suite', source: 'option', benchmark: suiteRef(otherSuite) });
    expect(find(events, 'ChallengerEvaluated').data.baseline.metrics.taskCount).toBe(120);
  });

  it('given a later registration, then it replaces the earlier one', async () => {
    const past = initialised(registered(otherSuite), registered(suite));
    expect(past.state.benchmark?.ref).toEqual(suiteRef(suite));
    const events = await cycle
      .given(recorded(past, 0, 200, 1))
      .when(judgedBy({ registered: suite, options: { dryRun: true } }))
      .events();
    expect(find(events, 'CycleStarted').data.evidence).toMatchObject({ type: 'suite', source: 'registered', benchmark: { name: suite.name } });
  });

  it('given a registered suite that cannot be handed over as registered, then the cycle is refused and nothing is decided', async () => {
    const past = recorded(initialised(registered(suite)), 0, 200, 1);
    for (const handed of [undefined, otherSuite]) {
      await cycle
        .given(past)
        .when(judgedBy(handed ? { registered: handed } : {}))
        .thenRefuses({ type: 'invalid-input', message: expect.stringMatching(/registered benchmark .* could not be read back/) });
    }
  });

  it("given no suite and the rule active, exploring its runner-up, then the challenger may leave the rule's choice only for the rule's runner-up", async () => {
    const rule = (runnerUpShare?: number) => ({ ...baselineVersion(), ...(runnerUpShare === undefined ? {} : { runnerUpShare }) });
    const pastWith = (version: ReturnType<typeof rule>, ...more: DomainEvent[]) =>
      recorded(history({ type: 'RouterRegistered', data: { version, activate: true, reason: 'init' } }, ...more), 0, 3000, 1);
    const trainedOn = async (past: History, inputs: Parameters<typeof judgedBy>[0] = {}) => {
      const events = await cycle
        .given(past)
        .when(judgedBy({ ...inputs, options: { dryRun: true, ...inputs.options } }))
        .events();
      return find(events, 'ChallengerTrained').data.challenger;
    };
    const safetyOf = (version: Awaited<ReturnType<typeof trainedOn>>) => (version.kind === 'learned' ? version.safety : undefined);

    // Judged on the rule's own held-out traffic: a move the held-out share can show.
    expect(safetyOf(await trainedOn(pastWith(rule(0.5))))).toMatchObject({ departures: 'runner-up' });
    // Judged on a suite, which sees every route's outcome; or on the traffic of a rule exploring every route alike.
    const safety = safetyOf(await trainedOn(pastWith(rule(0.5), registered(suite)), { registered: suite }));
    expect(safety).toBeDefined();
    expect(safety).not.toHaveProperty('departures');
    for (const uniform of [rule(0), rule()]) expect(safetyOf(await trainedOn(pastWith(uniform)))).not.toHaveProperty('departures');
    // Against a learned router (a dry run's challenger, judged on a suite of its own): its ranking is its own, which the challenger does not carry.
    const withLearned = await cycle
      .given(pastWith(rule(0.5)))
      .when(judgedBy({ benchmark: suite, options: { dryRun: true } }))
      .appended();
    expect(safetyOf(await trainedOn(withLearned, { options: { baselineVersion: 'v2' } }))).not.toHaveProperty('departures');
  });

  it('given a held-out rule a cycle of this log recorded, then later cycles keep it', async () => {
    const rule = { method: 'sha256-trajectory-id' as const, share: 0.3 };
    const earlier: DomainEvent = {
      type: 'ChallengerTrained',
      data: {
        cycleId: 'earlier',
        challenger: baselineVersion('EARLIER000000000000000000001'),
        trainingSet: { fromSeq: 1, toSeq: 1, count: 0 },
        excluded: [],
        heldOut: { rule, count: 0 },
      },
    };
    const past = recorded(initialised(earlier), 0, 3000, 1);
    const events = await cycle
      .given(past)
      .when(judgedBy({ options: { dryRun: true } }))
      .events();
    expect(find(events, 'CycleStarted').data.evidence).toEqual({ type: 'held-out', rule });
    const expected = loggedTrajectories(past.log).filter(({ trajectory }) => isHeldOut(rule, trajectory)).length;
    expect(find(events, 'ChallengerTrained').data.heldOut).toEqual({ rule, count: expected });
  });
});

describe('decideCycle: its window, the latest trajectories', () => {
  const windowed = (options: Partial<CycleOptions>, learner?: Learner): CycleCommand => ({
    options: testCycleOptions(options),
    ...(learner ? { learner } : {}),
  });
  const find = <T extends DomainEvent['type']>(events: readonly DomainEvent[], type: T) =>
    events.find((e) => e.type === type) as Extract<DomainEvent, { type: T }>;

  it('given more trajectories than its window, then it trains and judges on the latest ones only, as on a log of them alone, whatever the shell streams', async () => {
    const past = recorded(recorded(initialised(), 0, 1500, 1), 1500, 1500, 2);
    const window = cycleWindow(past.state, 2000);
    const inWindow = loggedTrajectories(past.log).filter(({ seq }) => seq >= window.fromSeq);
    expect(inWindow).toHaveLength(2000);
    let trainedOn: TrainingSet | null = null;
    const learner: Learner = (spec, samples) => {
      trainedOn = samples;
      return trainChallenger(spec, samples);
    };
    const events = await cycle
      .given(past)
      .when(windowed({ window: 2000 }, learner))
      .events();
    // The training set is what the window's trajectories make on their own: the case hints of its samples too.
    const alone = createDatasetBuilder(DEFAULT_FEATURES, new Set(), DEFAULT_HELD_OUT_RULE);
    for (const { seq, trajectory } of inWindow) alone.add(trajectory, seq);
    const expected = alone.build();
    expect(trainedOn).toEqual(expected.samples);
    expect(find(events, 'CycleStarted').data.options.window).toBe(2000);
    const trained = find(events, 'ChallengerTrained').data;
    expect(trained.trainingSet).toEqual({ fromSeq: window.fromSeq, toSeq: past.state.lastSeq, count: expected.used });
    const heldOut = inWindow.filter(({ trajectory }) => isHeldOut(DEFAULT_HELD_OUT_RULE, trajectory));
    expect(trained.heldOut).toEqual({ rule: DEFAULT_HELD_OUT_RULE, count: heldOut.length });
    expect(expected.used + heldOut.length).toBe(2000);
    expect(find(events, 'ChallengerEvaluated').data.judged).toEqual({ fromSeq: heldOut[0]!.seq, toSeq: heldOut.at(-1)!.seq, count: heldOut.length });
    // A shell that streams only the window gets the very same cycle.
    const onWindow = decider((command: CycleCommand, state, context, log) =>
      decideCycle({ ...command, trajectories: loggedTrajectories(log).filter(({ seq }) => seq >= window.fromSeq) }, state, context),
    );
    expect(
      await onWindow
        .given(past)
        .when(windowed({ window: 2000 }))
        .events(),
    ).toEqual(
      await cycle
        .given(past)
        .when(windowed({ window: 2000 }))
        .events(),
    );
  });

  it('given a policy asking for more held-out trajectories than its window can hold, then it is refused before anything is decided', async () => {
    const policy = { ...DEFAULT_POLICY, requiredTaskCount: 21 };
    await cycle
      .given(recorded(initialised(), 0, 50, 1))
      .when(windowed({ window: 100, policy }))
      .thenRefuses({
        type: 'invalid-input',
        message: expect.stringMatching(
          /^a required task count of 21 is more than the held-out share of a cycle's 100 latest trajectories can hold \(about 20\)/,
        ),
      });
    await cycle
      .given(recorded(initialised(), 0, 50, 1))
      .when(windowed({ window: 100, policy: { ...policy, requiredTaskCount: 20 }, minNewTrajectories: 1 }))
      .then(anEvent('CycleStarted'), anEvent('CycleSkipped'));
  });
});
