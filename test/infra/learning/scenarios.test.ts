import { describe, expect, it } from 'vitest';
import { scoreSuite } from '../../../src/domain/evaluation/scoreSuite.js';
import { searchOverlap, overlapDocuments } from '../../../src/domain/retrieval/tokenOverlap.js';
import { clincScenario, isValidationRequest, overlapScenario, REPEATS, repeatingScenario } from '../../../src/infra/learning/scenarios.js';
import { baselineVersion } from '../../support/learningFixtures.js';

describe('learning scenarios', () => {
  const clinc = clincScenario();
  const overlap = overlapScenario();

  it('carve one train request in six out as validation, by id: stable, and never played as traffic', () => {
    const validationIds = new Set(clinc.validation.tasks.map((t) => t.id));
    expect(clinc.train.some((r) => validationIds.has(r.id))).toBe(false);
    expect(clinc.train.length + validationIds.size).toBe(15_100);
    expect(validationIds.size / 15_100).toBeGreaterThan(0.15);
    expect(validationIds.size / 15_100).toBeLessThan(0.185);
    for (const id of validationIds) expect(isValidationRequest(id)).toBe(true);
    expect(overlap.validation.tasks.map((t) => t.id)).toEqual(clinc.validation.tasks.map((t) => t.id));
  });

  it('the overlap retriever scores on another scale, where the baseline rule misfires', () => {
    const best = (tasks: typeof clinc.test.tasks) => tasks.map((t) => Math.max(0, ...t.candidates.map((c) => c.score ?? 0)));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(best(overlap.validation.tasks))).toBeLessThan(0.35);
    expect(median(best(clinc.validation.tasks))).toBeGreaterThan(0.35);
    const baseline = baselineVersion();
    expect(scoreSuite(baseline, overlap.validation).metrics.meanReward).toBeLessThan(scoreSuite(baseline, clinc.validation).metrics.meanReward - 0.3);
  });

  it("the repeating world asks one train request in four, four times each: the stream keeps its length, its suites are clinc150's", () => {
    const repeating = repeatingScenario();
    const asked = new Map<string, number>();
    for (const r of repeating.train) asked.set(r.text, (asked.get(r.text) ?? 0) + 1);
    const distinct = new Set(repeating.train.map((r) => r.id.replace(/#\d+$/, '')));
    expect(distinct.size / clinc.train.length).toBeGreaterThan(0.23);
    expect(distinct.size / clinc.train.length).toBeLessThan(0.27);
    expect(repeating.train.length).toBe(distinct.size * REPEATS);
    expect(new Set(repeating.train.map((r) => r.id)).size).toBe(repeating.train.length);
    // CLINC150 repeats a few texts across its own train split; every kept request is asked at least four times.
    expect(Math.min(...asked.values())).toBeGreaterThanOrEqual(REPEATS);
    const clincIds = new Set(clinc.train.map((r) => r.id));
    expect([...distinct].every((id) => clincIds.has(id))).toBe(true);
    expect(repeating.validation).toEqual(clinc.validation);
    expect(repeating.test).toEqual(clinc.test);
  });

  it('word overlap is Jaccard similarity of word sets, best first, ties in catalogue order', () => {
    const documents = overlapDocuments([
      { id: 'a', text: 'set alarm' },
      { id: 'b', text: 'alarm clock' },
      { id: 'c', text: 'weather today' },
    ]);
    expect(searchOverlap(documents, 'set an alarm', 5)).toEqual([
      { id: 'a', score: 1 },
      { id: 'b', score: 0.333 },
    ]);
  });
});
