import type { EventOf } from '../events/catalogue.js';
import type { MemabraState } from '../projections/state.js';
import type { DecideContext } from './decideContext.js';
import { decided, refused, type Decided } from './domainError.js';
import { DEFAULT_BASELINE_PARAMS } from './routing/baselineRouter.js';
import { nextVersionLabel } from './versionRef.js';

export type InitCommand = { readonly explorationRate: number; readonly runnerUpShare: number };

export const DEFAULT_EXPLORATION_RATE = 0.1;

/**
 * Half of exploration goes to the runner-up route: the alternative a successor most often needs evidence
 * of (docs/learning.md, "Exploration and propensities"), and the one whose importance weight judges it.
 */
export const DEFAULT_RUNNER_UP_SHARE = 0.5;

/** Registers and activates the baseline router on an empty log; refuses on one that has a router. */
export function decideInit(command: InitCommand, state: MemabraState, context: DecideContext): Decided<EventOf<'RouterRegistered'>[]> {
  if (state.versions.size > 0) return refused({ type: 'already-initialised', activeVersionId: state.active?.versionId ?? null });
  return decided([
    {
      type: 'RouterRegistered',
      data: {
        version: {
          id: context.newId(),
          label: nextVersionLabel(state),
          createdAt: context.now,
          parentId: null,
          explorationRate: command.explorationRate,
          runnerUpShare: command.runnerUpShare,
          kind: 'baseline',
          params: DEFAULT_BASELINE_PARAMS,
        },
        activate: true,
        reason: 'init',
      },
    },
  ]);
}
