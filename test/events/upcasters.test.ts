import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/infra/store/lineCodec.js';
import { GENESIS_HASH } from '../../src/infra/store/hashChain.js';
import { sealLine } from '../../src/infra/store/lineSeal.js';

function lineOf(type: string, v: number, data: unknown): string {
  return sealLine(
    `{"seq":1,"id":"E1","type":"${type}","v":${v},"at":"2026-01-01T00:00:00.000Z","prev":"${GENESIS_HASH}","batchEnd":1,"data":${JSON.stringify(data)}`,
  );
}

describe('upcasters', () => {
  it('given a RouterRolledBack v1 line with a reason, when decoded, then it reads as v2 with named versions', () => {
    const decoded = decodeLine(lineOf('RouterRolledBack', 1, { from: 'A', to: 'B', reason: 'regression on memory tasks' }));
    expect(decoded).toEqual({
      ok: true,
      envelope: expect.objectContaining({ v: 2, data: { fromVersionId: 'A', toVersionId: 'B', reason: 'regression on memory tasks' } }),
    });
  });

  it('given a RouterRolledBack v1 line without a reason, when decoded, then reason is null, not absent', () => {
    const decoded = decodeLine(lineOf('RouterRolledBack', 1, { from: 'A', to: 'B' }));
    expect(decoded.ok && decoded.envelope.data).toEqual({ fromVersionId: 'A', toVersionId: 'B', reason: null });
  });

  it('given a line from a newer schema version, when decoded, then it is refused as future, naming both versions', () => {
    const decoded = decodeLine(lineOf('CycleSkipped', 7, { cycleId: 'c', newTrajectoryCount: 1, minNewTrajectories: 2 }));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.kind).toBe('future-version');
    expect(decoded.error.message).toMatch(/CycleSkipped v7 .*reads up to v2/);
  });

  it('given a CycleStarted v1 line, when decoded, then it reads as judged on a suite whose source was not recorded', () => {
    const benchmark = { name: 'clinc150-routes', version: 1, hash: 'a'.repeat(64), taskCount: 5500 };
    const policy = {
      minRewardDelta: 0.01,
      maxErrorRateIncrease: 0,
      maxLatencyIncreaseMs: 150,
      requiredTaskCount: 100,
      maxCategoryRegression: 0.05,
      confidenceLevel: 0.95,
      bootstrapResamples: 2000,
      seed: 7,
    };
    const v1 = {
      cycleId: 'c',
      baselineVersionId: 'B',
      benchmark,
      policy,
      options: { dryRun: false, minNewTrajectories: 100, seed: 1 },
      newTrajectories: { fromSeq: 2, toSeq: 9, count: 8 },
    };
    const decoded = decodeLine(lineOf('CycleStarted', 1, v1));
    expect(decoded.ok && decoded.envelope).toMatchObject({ v: 2, data: { evidence: { type: 'suite', source: 'unrecorded', benchmark }, policy } });
    expect(decoded.ok && 'benchmark' in (decoded.envelope.data as object)).toBe(false);
  });

  it('given a ChallengerTrained v1 line, when decoded, then it kept no held-out share out', () => {
    const trained = {
      cycleId: 'c',
      challenger: { id: 'X', label: 'v2', createdAt: '2026-01-01T00:00:00.000Z', parentId: null, explorationRate: 0.1, kind: 'constant', route: 'tool' },
      trainingSet: { fromSeq: 1, toSeq: 3, count: 2 },
      excluded: [],
    };
    const decoded = decodeLine(lineOf('ChallengerTrained', 1, trained));
    expect(decoded.ok && decoded.envelope.data).toEqual({ ...trained, heldOut: null });
  });

  it('given v2 data under a v1 header, when decoded, then the upcaster output fails validation instead of passing silently', () => {
    expect(decodeLine(lineOf('RouterRolledBack', 1, { fromVersionId: 'A', toVersionId: 'B', reason: null })).ok).toBe(false);
  });
});
