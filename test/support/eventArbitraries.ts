import fc from 'fast-check';
import type { DomainEvent } from '../../src/events/catalogue.js';
import type { Metrics } from '../../src/events/model/metrics.js';
import type { RouterVersion } from '../../src/events/model/routerVersion.js';
import { DEFAULT_POLICY } from '../../src/events/model/promotionPolicy.js';
import { ROUTES, type Candidate } from '../../src/events/model/vocabulary.js';
import { currentVersion } from '../../src/events/upcasters.js';
import { GENESIS_HASH } from '../../src/infra/store/hashChain.js';
import type { Envelope } from '../../src/infra/store/lineCodec.js';
import { jsonDouble, trajectoryArb } from './fixtures.js';

const ulidArb = fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
const isoArb = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }).map((ms) => new Date(ms).toISOString());
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const text = fc.string({ maxLength: 30 });

const header = fc.record({
  id: ulidArb,
  label: fc.integer({ min: 1, max: 999 }).map((n) => `v${n}`),
  createdAt: isoArb,
  parentId: fc.option(ulidArb, { nil: null }),
  explorationRate: unit,
});

export const routerVersionArb: fc.Arbitrary<RouterVersion> = fc.oneof(
  fc.tuple(header, unit, unit, fc.option(unit, { nil: undefined })).map(([h, minScore, compositeMinScore, caseMinReward]) => ({
    ...h,
    kind: 'baseline' as const,
    params: caseMinReward === undefined ? { minScore, compositeMinScore } : { minScore, compositeMinScore, readsCaseHint: true as const, caseMinReward },
  })),
  fc.tuple(header, fc.constantFrom(...ROUTES)).map(([h, route]) => ({ ...h, kind: 'constant' as const, route })),
  header.map((h) => ({ ...h, kind: 'oracle' as const })),
  fc
    .tuple(
      header,
      fc.array(jsonDouble({ min: -2, max: 2 }), { minLength: 5, maxLength: 5 }),
      fc.base64String({ maxLength: 40 }),
      fc.option(fc.tuple(fc.base64String({ maxLength: 40 }), unit, unit, fc.boolean()), { nil: null }),
    )
    .map(([h, bias, weights, safe]) => ({
      ...h,
      kind: 'learned' as const,
      features: { bits: 8, wordNgrams: 2, charNgramMin: 3, charNgramMax: 4, candidateFeatures: true },
      training: { method: 'ridge-cg' as const, l2: 1, maxIterations: 50 },
      ...(safe
        ? {
            model: { bias, scale: bias.map((b) => Math.abs(b) + 1), weights, evidence: safe[0] },
            safety: {
              method: 'spibb' as const,
              minEvidence: safe[1] * 10,
              pessimism: safe[2],
              ...(safe[1] > 0.5 ? { minAbsentEvidence: safe[2] * 10 } : {}),
              reference: safe[3] ? { minScore: 0.35, compositeMinScore: 0.45, readsCaseHint: true as const } : null,
              ...(safe[3] && safe[2] > 0.5 ? { departures: 'runner-up' as const } : {}),
            },
          }
        : { model: { bias, scale: bias.map((b) => Math.abs(b) + 1), weights } }),
    })),
);

const categoryArb = fc.record({ taskCount: fc.nat(1000), meanReward: unit, errorRate: unit });
export const metricsArb: fc.Arbitrary<Metrics> = fc.record({
  taskCount: fc.nat(10000),
  meanReward: unit,
  errorRate: unit,
  meanLatencyMs: fc.double({ min: 0, max: 5000, noNaN: true }),
  p95LatencyMs: fc.double({ min: 0, max: 5000, noNaN: true }),
  byCategory: fc.record({ direct: categoryArb, memory: categoryArb, tool: categoryArb, skill: categoryArb, composite: categoryArb }, { requiredKeys: [] }),
});
const gateArb = fc.record({ gate: text, passed: fc.boolean(), value: jsonDouble(), threshold: jsonDouble(), message: text });
const benchmarkArb = fc.record({ name: text, version: fc.nat(10), hash: fc.stringMatching(/^[0-9a-f]{64}$/), taskCount: fc.nat(10000) });
const rangeArb = fc.record({ fromSeq: fc.integer({ min: 1, max: 1000 }), toSeq: fc.nat(1000), count: fc.nat(1000) });
const heldOutRuleArb = fc.record({ method: fc.constant('sha256-trajectory-id' as const), share: fc.double({ min: 0.01, max: 0.99, noNaN: true }) });
const evidenceArb = fc.oneof(
  fc.record({
    type: fc.constant('suite' as const),
    source: fc.constantFrom('option' as const, 'registered' as const, 'unrecorded' as const),
    benchmark: benchmarkArb,
  }),
  fc.record({ type: fc.constant('held-out' as const), rule: heldOutRuleArb }),
);
const intervalArb = fc.record({ meanDelta: unit, lower: unit, upper: unit, count: fc.nat(1000) });
const comparisonArb = fc.record({
  method: fc.constantFrom('paired-bootstrap' as const, 'paired-dr-bootstrap' as const),
  confidenceLevel: unit,
  resamples: fc.nat(),
  seed: fc.integer(),
  reward: intervalArb,
  errorRate: intervalArb,
  latencyMs: intervalArb,
  byCategory: fc.record({ direct: intervalArb, tool: intervalArb }, { requiredKeys: [] }),
  snipsReward: fc.option(intervalArb, { nil: null }),
});
const suiteArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 10 }),
  version: fc.integer({ min: 1, max: 9 }),
  tasks: fc
    .array(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 5 }),
        input: text,
        category: fc.constantFrom(...ROUTES),
        candidates: fc.constant([] as Candidate[]),
        outcomes: fc.constant(
          Object.fromEntries(ROUTES.map((r) => [r, { reward: 1, error: null, latencyMs: 300 }])) as Record<
            (typeof ROUTES)[number],
            { reward: number; error: null; latencyMs: number }
          >,
        ),
      }),
      { minLength: 1, maxLength: 2 },
    )
    .map((tasks) => tasks.map((t, i) => ({ ...t, id: `t${i}` }))),
});
const estimateArb = fc.record({
  estimator: fc.constantFrom('ips' as const, 'snips' as const, 'dr' as const),
  value: unit,
  lower: unit,
  upper: unit,
  effectiveSampleSize: fc.nat(1000),
});

/** One arbitrary per event type of the catalogue, so codec laws cover all of it. */
export const domainEventArb: fc.Arbitrary<DomainEvent> = fc.oneof(
  fc.record({ version: routerVersionArb, activate: fc.boolean(), reason: text }).map((data) => ({ type: 'RouterRegistered' as const, data })),
  fc
    .tuple(ulidArb, isoArb)
    .chain(([id, at]) => trajectoryArb(id, at))
    .map((trajectory) => ({ type: 'TrajectoryRecorded' as const, data: { trajectory } })),
  fc
    .record({
      decisionId: ulidArb,
      decidedAt: isoArb,
      input: text,
      route: fc.constantFrom(...ROUTES),
      routerVersionId: ulidArb,
      propensity: fc.double({ min: 0.01, max: 1, noNaN: true }),
      scores: fc.tuple(unit, unit, unit, unit, unit),
      caseHit: fc.boolean(),
    })
    .map(({ input, route, scores: [direct, memory, tool, skill, composite], caseHit, ...rest }) => ({
      type: 'DecisionLogged' as const,
      data: {
        ...rest,
        request: { input },
        candidates: [
          { id: 'c1', kind: 'tool' as const, name: 'tool one' },
          ...(caseHit ? [{ id: 'case:1', kind: 'memory' as const, name: 'episode', score: 1 }] : []),
        ],
        caseMemoryId: caseHit ? 'case:1' : null,
        route,
        selected: route === 'direct' ? [] : ['c1'],
        scores: { direct, memory, tool, skill, composite },
      },
    })),
  fc
    .record({
      cycleId: ulidArb,
      baselineVersionId: ulidArb,
      evidence: evidenceArb,
      dryRun: fc.boolean(),
      minNewTrajectories: fc.nat(100),
      seed: fc.integer(),
      // Absent in cycles recorded before it was; else any size a cycle accepts.
      window: fc.option(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
      newTrajectories: rangeArb,
    })
    .map(({ dryRun, minNewTrajectories, seed, window, ...rest }) => ({
      type: 'CycleStarted' as const,
      data: { ...rest, policy: DEFAULT_POLICY, options: { dryRun, minNewTrajectories, seed, ...(window === undefined ? {} : { window }) } },
    })),
  fc
    .record(
      {
        cycleId: ulidArb,
        newTrajectoryCount: fc.nat(),
        minNewTrajectories: fc.nat(),
        thinEvidence: fc.record({
          heldOutCount: fc.nat(),
          requiredCount: fc.integer({ min: 1, max: 500 }),
          moreTrajectoriesNeeded: fc.integer({ min: 1, max: 5000 }),
        }),
      },
      { requiredKeys: ['cycleId', 'newTrajectoryCount', 'minNewTrajectories'] },
    )
    .map((data) => ({ type: 'CycleSkipped' as const, data })),
  fc
    .record({
      cycleId: ulidArb,
      challenger: routerVersionArb,
      trainingSet: rangeArb,
      excluded: fc.array(fc.record({ trajectoryId: ulidArb, reason: fc.constant('benchmark-input' as const) }), { maxLength: 3 }),
      heldOut: fc.option(fc.record({ rule: heldOutRuleArb, count: fc.nat() }), { nil: null }),
    })
    .map((data) => ({ type: 'ChallengerTrained' as const, data })),
  fc
    .record({
      cycleId: ulidArb,
      evidence: evidenceArb,
      judged: fc.option(rangeArb, { nil: null }),
      baseline: fc.record({ versionId: ulidArb, metrics: metricsArb }),
      challenger: fc.record({ versionId: ulidArb, metrics: metricsArb }),
      paired: fc.record({
        method: fc.constantFrom('paired-bootstrap' as const, 'paired-dr-bootstrap' as const),
        meanDelta: unit,
        lower: unit,
        upper: unit,
        confidenceLevel: unit,
        resamples: fc.nat(),
        seed: fc.integer(),
        wins: fc.nat(),
        losses: fc.nat(),
        ties: fc.nat(),
      }),
      comparison: fc.option(comparisonArb, { nil: null }),
      offPolicy: fc.record(
        {
          sampleCount: fc.nat(),
          baseline: fc.array(estimateArb, { maxLength: 3 }),
          challenger: fc.array(estimateArb, { maxLength: 3 }),
          unsupported: fc.nat(),
        },
        { requiredKeys: ['sampleCount', 'baseline', 'challenger'] },
      ),
    })
    .map((data) => ({ type: 'ChallengerEvaluated' as const, data })),
  fc
    .record({ cycleId: ulidArb, versionId: ulidArb, priorVersionId: ulidArb, reasons: fc.array(gateArb, { maxLength: 4 }) })
    .map((data) => ({ type: 'ChallengerPromoted' as const, data })),
  fc
    .record({
      cycleId: ulidArb,
      challengerVersionId: ulidArb,
      activeVersionId: ulidArb,
      reasons: fc.array(gateArb, { maxLength: 4 }),
      dryRun: fc.boolean(),
      wouldPromote: fc.boolean(),
    })
    .map((data) => ({ type: 'ChallengerRejected' as const, data })),
  fc
    .record({ cycleId: ulidArb, stage: fc.constantFrom('dataset' as const, 'training' as const, 'evaluation' as const, 'decision' as const), error: text })
    .map((data) => ({ type: 'CycleFailed' as const, data })),
  fc
    .record({ fromVersionId: ulidArb, toVersionId: ulidArb, reason: fc.option(text, { nil: null }) })
    .map((data) => ({ type: 'RouterRolledBack' as const, data })),
  fc
    .record({
      benchmark: benchmarkArb,
      storage: fc.oneof(
        fc.constant({ type: 'bundled' as const }),
        fc.string({ minLength: 1, maxLength: 20 }).map((path) => ({ type: 'file' as const, path })),
        suiteArb.map((suite) => ({ type: 'embedded' as const, suite })),
      ),
    })
    .map((data) => ({ type: 'BenchmarkRegistered' as const, data })),
);

/** A stored line's envelope around any event: the event at its current version, at some seq, closing an append up to ten events on. */
export const envelopeArb: fc.Arbitrary<Envelope> = fc.record({ event: domainEventArb, seq: fc.integer({ min: 1, max: 1e9 }), extra: fc.nat(10) }).map(
  ({ event, seq, extra }): Envelope =>
    ({
      ...event,
      seq,
      id: '01J00000000000000000000000',
      v: currentVersion(event.type),
      at: '2026-11-25T10:00:00.000Z',
      prev: GENESIS_HASH,
      batchEnd: seq + extra,
    }) as Envelope,
);
