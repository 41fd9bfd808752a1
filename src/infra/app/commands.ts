import { cycleReport, decideCycle } from '../../domain/cycle.js';
import { DEFAULT_EXPLORATION_RATE, DEFAULT_RUNNER_UP_SHARE } from '../../domain/exploration.js';
import { decideInit, initialisedVersion } from '../../domain/init.js';
import { decideRecord, recordedIds } from '../../domain/record.js';
import { decideRegisterBenchmark, registeredBenchmark } from '../../domain/registerBenchmark.js';
import { decideRollback, rolledBack } from '../../domain/rollback.js';
import { decideRoutes } from '../../domain/routeRequests.js';
import type { StoredEvent } from '../../events/catalogue.js';
import type { BenchmarkRef, BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import type { CheckedRouteRequest, RecordInput, RouteAnswer } from '../../events/model/vocabulary.js';
import type { TrainingReport } from '../../projections/state.js';
import { MemabraError } from '../errors.js';
import { suiteToRegister } from './benchmarks.js';
import { registration } from './commandHandler.js';
import { askedCycle, CYCLE_RETRY, gatheredCycle, type CycleRequest } from './cycleInputs.js';
import { recordVouchedFor } from './parsedInput.js';

/**
 * Every command memabra runs, registered once: what it takes from an edge, its decider (src/domain), and
 * what it answers. The CLI, the MCP tools, the HTTP endpoints and the library all run a command as
 * `handleCommand(session, commands.x, request)`, so a command's path is its edge, its entry here, its
 * decider and the projections of its events.
 */

export type InitRequest = { explorationRate?: number; runnerUpShare?: number; benchmark?: string | BenchmarkSuite };
export type InitAnswer = { version: RouterVersion; seq: number };

/** `init`: the baseline router registered and activated; with a suite, that suite registered as the gate in the same append. */
const init = registration({
  command: (request: InitRequest, session) => ({
    explorationRate: request.explorationRate ?? DEFAULT_EXPLORATION_RATE,
    runnerUpShare: request.runnerUpShare ?? DEFAULT_RUNNER_UP_SHARE,
    ...(request.benchmark === undefined ? {} : { benchmark: suiteToRegister(session, request.benchmark) }),
  }),
  decide: decideInit,
  answer: ({ decision, appended }): InitAnswer => ({ version: initialisedVersion(decision), seq: appended.lastSeq }),
});

export type RecordResult = { ids: string[]; firstSeq: number; lastSeq: number };

/** `record`: trajectories, and outcomes of logged decisions, appended all or nothing; answers their trajectory ids. */
const record = registration({
  command: (trajectories: readonly RecordInput[]) => {
    if (trajectories.length === 0) throw new MemabraError('input', 'no trajectories given');
    return { trajectories };
  },
  decide: decideRecord,
  validated: (events, { trajectories }) => recordVouchedFor(trajectories, events),
  answer: ({ decision, appended }): RecordResult => ({ ids: recordedIds(decision), firstSeq: appended.firstSeq, lastSeq: appended.lastSeq }),
});

export type RouteOptions = {
  /** false: decide without logging (previews, evaluation); the answers carry no decisionId. Default true. */
  readonly log?: boolean;
};

/**
 * `route`: the requests decided with the active router, reading the log once for the whole batch. Logged
 * (the default), every decision is appended as a DecisionLogged, all of them in one append, and each
 * answer carries its `decisionId`; should another writer get in first, the batch is decided again.
 */
const route = registration({
  command: ({ requests, log }: { readonly requests: readonly CheckedRouteRequest[] } & RouteOptions) => ({ requests, log: log !== false }),
  decide: decideRoutes,
  answer: ({ decision }): RouteAnswer[] => decision.answers,
});

export type RollbackRequest = { readonly version: string; readonly reason?: string | null | undefined };
export type RollbackAnswer = { fromVersionId: string; toVersionId: string; reason: string | null; seq: number };

/** `rollback VERSION`: an earlier version made active again; answers from and to which version, and why. */
const rollback = registration({
  command: ({ version, reason }: RollbackRequest) => ({ target: version, reason: reason ?? null }),
  decide: decideRollback,
  answer: ({ decision, appended }): RollbackAnswer => ({ ...rolledBack(decision), seq: appended.lastSeq }),
});

export type BenchmarkAnswer = { benchmark: BenchmarkRef; storage: string; seq: number };

/** `benchmark use FILE`: a suite (a file, or one already loaded) stored beside the log and registered as its gate. */
const useBenchmark = registration({
  command: (benchmark: string | BenchmarkSuite, session) => suiteToRegister(session, benchmark),
  decide: decideRegisterBenchmark,
  answer: ({ decision, appended }): BenchmarkAnswer => ({ ...registeredBenchmark(decision), seq: appended.lastSeq }),
});

export type CycleAnswer = { events: StoredEvent[]; report: TrainingReport; attempts: number };

/**
 * `cycle`: one online-learning cycle. Its inputs from the log (the trajectories of its window up to the
 * state's last seq, as a stream; the registered suite) are gathered for the state each decision is made
 * on; a decision that still holds on a log that only gained trajectories meanwhile is appended there
 * (CYCLE_RETRY). Answers its report, read from the state the handler appended to, without reading the log
 * again.
 */
const cycle = registration({
  command: (request: CycleRequest) => askedCycle(request),
  decide: async (asked, state, context, session) => decideCycle(await gatheredCycle(session, asked, state), state, context),
  retry: CYCLE_RETRY,
  answer: ({ decision, appended, attempts, stateAfter }): CycleAnswer => ({
    events: [...appended.events],
    report: cycleReport(decision, stateAfter()),
    attempts,
  }),
});

export const commands = { init, record, route, rollback, useBenchmark, cycle };
