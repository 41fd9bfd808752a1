/**
 * memabra as a library, for agents in TypeScript that embed it instead of calling the CLI. Every function
 * here goes through the same decide functions and the same event log as the command line.
 */
import { summariseStatus, summariseVersions, type StatusSummary, type VersionSummary } from './domain/summaries.js';
import type { AsOf } from './projections/fold.js';
import type { MemabraState } from './projections/state.js';
import { realEnvironment, type Environment } from './infra/app/clock.js';
import { handleCommand } from './infra/app/commandHandler.js';
import { commands, type BenchmarkAnswer, type InitAnswer, type RecordResult, type RouteOptions } from './infra/app/commands.js';
import { parseRouteRequests, parseTrajectories, validateRouteRequests, validateTrajectories } from './infra/app/parsedInput.js';
import { loadState } from './infra/app/foldedState.js';
import { settleSnapshots, writeSnapshotsInWorker } from './infra/app/snapshotSchedule.js';
import type { Session } from './infra/app/session.js';
import { evaluateVersion, type Evaluation } from './infra/app/evaluation.js';
import type { CycleRequest } from './infra/app/cycleInputs.js';
import type { Candidate, RecordInput, RouteAnswer, RouteRequest, Task } from './events/model/vocabulary.js';
import type { BenchmarkSuite } from './events/model/benchmarkSuite.js';
import { runTurn, type Execute } from './infra/app/runner.js';
import type { TrainingReport } from './projections/state.js';
import { verifyLog, type LogVerification } from './infra/app/verifyLog.js';
import { openStore, storeLocation } from './infra/store/openStore.js';

export type {
  Candidate,
  CandidateKind,
  Decision,
  Outcome,
  OutcomeReport,
  RecordInput,
  Route,
  RouteAnswer,
  RouteRequest,
  RouteScores,
  Task,
  Trajectory,
  TrajectoryInput,
} from './events/model/vocabulary.js';
export { ROUTES } from './events/model/vocabulary.js';
export type { RouterVersion } from './events/model/routerVersion.js';
export type { Metrics } from './events/model/metrics.js';
export type { DomainEvent, StoredEvent, EventType } from './events/catalogue.js';
export type { MemabraState } from './projections/state.js';
/** The case index of a state: `caseOf(state.cases, key)`, `caseEntries(state.cases)`, `caseCount(state.cases)`. */
export { caseCount, caseEntries, caseOf } from './projections/caseTable.js';
export type { CaseIndex } from './projections/caseTable.js';
export type { CaseEntry } from './projections/caseMemory.js';
export type { StatusSummary, VersionSummary } from './domain/summaries.js';
export type { TrainingReport } from './projections/state.js';
export type { CycleRequest } from './infra/app/cycleInputs.js';
export type { Execute, TurnResult } from './infra/app/runner.js';
export type { Evaluation } from './infra/app/evaluation.js';
export type { RecordResult, RouteOptions } from './infra/app/commands.js';
export type { EventStore } from './infra/store/eventStore.js';
export type { LogVerification, SnapshotCheck } from './infra/app/verifyLog.js';
export { MemabraError } from './infra/errors.js';
export { foldEvents } from './projections/fold.js';
export { DEFAULT_POLICY, PolicyOverridesSchema, PromotionPolicySchema } from './events/model/promotionPolicy.js';
export type { PolicyOverrides, PromotionPolicy, GateResult } from './events/model/promotionPolicy.js';
export type { BenchmarkSuite } from './events/model/benchmarkSuite.js';
export { buildSuite, LabelledTaskSchema } from './domain/benchmark/buildSuite.js';
export type { LabelledTask } from './domain/benchmark/buildSuite.js';
export { initialState } from './projections/state.js';

export type MemabraOptions = {
  /** A data directory (JSONL log) or a postgres:// URL; default $MEMABRA_STORE, $MEMABRA_DIR, ./.memabra. */
  location?: string;
  /** Clock, ids and randomness; the real ones by default. */
  environment?: Environment;
};

export type Memabra = {
  readonly session: Session;
  /** Registers and activates the baseline router; with `benchmark`, also registers that suite as the log's gate. */
  init(options?: { explorationRate?: number; runnerUpShare?: number; benchmark?: string | BenchmarkSuite }): Promise<InitAnswer>;
  /** Registers a labelled suite (a file or a suite) as this log's gate: later cycles judge on it. */
  useBenchmark(benchmark: string | BenchmarkSuite): Promise<BenchmarkAnswer>;
  /**
   * Records outcomes of logged decisions (`{decisionId, outcome}`) and whole trajectories: validates all,
   * then appends all or nothing. Accepts values or the text of JSON / JSON Lines.
   */
  record(items: readonly RecordInput[] | string): Promise<RecordResult>;
  rollback(version: string, reason?: string): Promise<{ fromVersionId: string; toVersionId: string; seq: number }>;
  /**
   * Decides each request with the active router (exploration included) and logs the decisions in one
   * append; one answer per request, in order, each with its `decisionId`. `{log: false}` logs nothing.
   */
  route(requests: readonly RouteRequest[] | string, options?: RouteOptions): Promise<RouteAnswer[]>;
  evaluate(options?: { benchmark?: string; version?: string }): Promise<Evaluation>;
  /** Runs one online-learning cycle and returns its report. */
  cycle(request?: CycleRequest): Promise<TrainingReport>;
  /**
   * One agent turn: routes the task, calls `execute(decision)`, measures it, records the trajectory (a
   * thrown error becomes an outcome with that error, then is thrown again) and returns the agent's result.
   */
  run<R>(task: Task | string, candidates: readonly Candidate[], execute: Execute<R>): Promise<R>;
  state(asOf?: AsOf): Promise<MemabraState>;
  status(asOf?: AsOf): Promise<StatusSummary>;
  versions(): Promise<VersionSummary[]>;
  /** Checks every line of the log, then the newest snapshot against a fold of the log, as `memabra verify` does. */
  verify(): Promise<LogVerification>;
  /** Finishes any snapshot being written and closes the store (a PostgreSQL pool, for one). */
  close(): Promise<void>;
};

export async function openMemabra(options: MemabraOptions = {}): Promise<Memabra> {
  const env = options.environment ?? realEnvironment();
  const location = storeLocation(options.location);
  const session: Session = { store: await openStore(location, { now: env.now }), env };
  // An agent keeps working while a snapshot is written: a worker thread writes it.
  writeSnapshotsInWorker(session.store, location);
  return {
    session,
    init: (init) => handleCommand(session, commands.init, init ?? {}),
    useBenchmark: (benchmark) => handleCommand(session, commands.useBenchmark, benchmark),
    record: (items) => handleCommand(session, commands.record, typeof items === 'string' ? parseTrajectories(items) : validateTrajectories(items)),
    rollback: (version, reason) => handleCommand(session, commands.rollback, { version, reason }),
    route: (requests, routeOptions) =>
      handleCommand(session, commands.route, {
        requests: typeof requests === 'string' ? parseRouteRequests(requests) : validateRouteRequests(requests),
        ...routeOptions,
      }),
    evaluate: (options) => evaluateVersion(session, options ?? {}),
    cycle: async (request) => (await handleCommand(session, commands.cycle, request ?? {})).report,
    run: (task, candidates, execute) => runTurn(session, task, candidates, execute),
    state: (asOf) => loadState(session.store, asOf),
    status: async (asOf) => summariseStatus(await loadState(session.store, asOf)),
    versions: async () => summariseVersions(await loadState(session.store)),
    verify: () => verifyLog(session.store),
    close: async () => {
      await settleSnapshots(session.store);
      await session.store.close();
    },
  };
}
