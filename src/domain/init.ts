import type { EventOf } from '../events/catalogue.js';
import type { RouterVersion } from '../events/model/routerVersion.js';
import type { MemabraState } from '../projections/state.js';
import type { DecideContext } from './decideContext.js';
import { decided, refused, type Decided } from './domainError.js';
import { decideRegisterBenchmark, type RegisterBenchmarkCommand } from './registerBenchmark.js';
import { DEFAULT_BASELINE_PARAMS } from './routing/baselineRouter.js';
import { nextVersionLabel } from './versionRef.js';

export type InitCommand = {
  readonly explorationRate: number;
  readonly runnerUpShare: number;
  /** A suite to register as the log's gate in the same decision, so a log never exists half-initialised. */
  readonly benchmark?: RegisterBenchmarkCommand;
};

type InitEvent = EventOf<'RouterRegistered' | 'BenchmarkRegistered'>;

/**
 * Registers and activates the baseline router on an empty log, and with a suite registers it as the gate;
 * refuses on a log that has a router.
 */
export function decideInit(command: InitCommand, state: MemabraState, context: DecideContext): Decided<InitEvent[]> {
  if (state.versions.size > 0) return refused({ type: 'already-initialised', activeVersionId: state.active?.versionId ?? null });
  const registration = command.benchmark ? decideRegisterBenchmark(command.benchmark) : decided([]);
  if (!registration.ok) return registration;
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
    ...registration.value,
  ]);
}

/** What `init` answers: the router version it registered and activated. */
export function initialisedVersion(events: readonly InitEvent[]): RouterVersion {
  const registered = events.find((event): event is EventOf<'RouterRegistered'> => event.type === 'RouterRegistered');
  return registered!.data.version;
}
