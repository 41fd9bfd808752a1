import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseHintSlot, extractFeatures } from '../../../src/domain/routing/features.js';
import { scoreRoutes } from '../../../src/domain/routing/routeDecision.js';
import { trainChallenger } from '../../../src/domain/training/trainChallenger.js';
import { DEFAULT_TRAINING } from '../../../src/domain/training/trainer.js';
import { trainingSetOf } from '../../../src/domain/training/trainingSet.js';
import type { FeatureSettings } from '../../../src/events/model/routerVersion.js';
import { ROUTES, type Candidate } from '../../../src/events/model/vocabulary.js';
import { inputArb } from '../../support/fixtures.js';
import { retrievalScoreArb, rewardArb } from '../../support/unitArbitraries.js';

const SLOTTED: FeatureSettings = { bits: 8, wordNgrams: 2, charNgramMin: 3, charNgramMax: 4, candidateFeatures: true, caseHintSlots: true };
const SHARED: FeatureSettings = { ...SLOTTED, caseHintSlots: undefined } as FeatureSettings;

const candidateArb: fc.Arbitrary<Candidate> = fc.record({
  id: fc.stringMatching(/^[a-z]{1,6}$/),
  kind: fc.constantFrom('memory' as const, 'tool' as const, 'skill' as const),
  name: fc.string({ maxLength: 8 }),
  score: retrievalScoreArb,
});
const contextArb = fc.record({ input: inputArb, candidates: fc.array(candidateArb, { maxLength: 8 }) });
const hintArb = fc.record({ route: fc.constantFrom(...ROUTES), reward: rewardArb });
const slots = new Set(ROUTES.map((route) => caseHintSlot(SLOTTED, route)));

describe('features of a request', () => {
  it('with case-hint slots, no other feature lands in them, and a hint lands only in its route slot', () => {
    fc.assert(
      fc.property(contextArb, hintArb, (context, hint) => {
        const plain = extractFeatures(SLOTTED, context);
        expect([...plain.indices].filter((i) => slots.has(i))).toEqual([]);
        const hinted = extractFeatures(SLOTTED, { ...context, caseHint: hint });
        expect(hinted.length).toBe(plain.length + 1);
        expect(hinted.indices[plain.length]).toBe(caseHintSlot(SLOTTED, hint.route));
        expect(hinted.values[plain.length]).toBeCloseTo(hint.reward, 6);
        expect([...hinted.indices].every((i) => i < 2 ** SLOTTED.bits)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('without them (versions trained before), features hash as they always did', () => {
    // FNV-1a of "refund" folded to 8 bits, the first feature of the text: what every earlier version computed.
    const first = extractFeatures(SHARED, { input: 'refund', candidates: [] }).indices[0]!;
    let h = 0x811c9dc5 ^ 1;
    h = Math.imul(h, 0x01000193);
    for (const c of 'refund') h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
    expect(first).toBe((h >>> 0) & 255);
  });

  it('a learned router that never trained on a case hint decides exactly as it would without the hit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ context: contextArb, route: fc.nat(ROUTES.length - 1), reward: rewardArb }), { minLength: 5, maxLength: 40 }),
        contextArb,
        hintArb,
        (samples, asked, hint) => {
          const set = trainingSetOf(samples.map((s) => ({ features: extractFeatures(SLOTTED, s.context), route: s.route, reward: s.reward })));
          const version = trainChallenger(
            {
              id: 'L',
              label: 'v2',
              createdAt: '2026-11-25T10:00:00.000Z',
              parentId: null,
              explorationRate: 0.1,
              features: SLOTTED,
              training: DEFAULT_TRAINING,
              safety: null,
            },
            set,
          );
          expect(scoreRoutes(version, { ...asked, caseHint: hint })).toEqual(scoreRoutes(version, asked));
        },
      ),
      { numRuns: 40 },
    );
  });
});
