import type { DecideContext } from '../../src/domain/decideContext.js';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../src/projections/state.js';
import { sequentialIds, stored } from './fixtures.js';

/** The state after these events: the "given" of a decider specification. */
export function given(...events: readonly DomainEvent[]): MemabraState {
  return foldEvents(initialState, stored(events));
}

export function context(now = '2026-11-25T12:00:00.000Z', firstId = 1000): DecideContext {
  return { now, newId: sequentialIds(firstId) };
}

export const baselineRegistered = (id = '01J0000000000000000000000A', label = 'v1'): DomainEvent => ({
  type: 'RouterRegistered',
  data: {
    version: { id, label, createdAt: '2026-11-25T10:00:00.000Z', parentId: null, explorationRate: 0.1, kind: 'baseline', params: { minScore: 0.35, compositeMinScore: 0.45 } },
    activate: true,
    reason: 'init',
  },
});

/** A recorded live trajectory with no candidates, routed `direct`; only what projections look at varies. */
export const trajectoryRecorded = (t: { id: string; input: string; reward: number; routerVersionId?: string | undefined; error?: string | null }): DomainEvent => ({
  type: 'TrajectoryRecorded',
  data: {
    trajectory: {
      id: t.id,
      recordedAt: '2026-11-25T10:00:00.000Z',
      source: 'live',
      task: { input: t.input },
      candidates: [],
      decision: { route: 'direct', selected: [], ...(t.routerVersionId ? { routerVersionId: t.routerVersionId, propensity: 0.9 } : {}) },
      outcome: { reward: t.reward, error: t.error ?? null, latencyMs: 300 },
    },
  },
});
