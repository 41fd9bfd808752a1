import { z } from 'zod';
import { PolicyOverridesSchema } from '../../domain/promotionPolicy.js';
import { summariseReport, summariseStatus, summariseVersion } from '../../domain/summaries.js';
import { validateItems } from '../../domain/trajectoryInput.js';
import { RouteRequestSchema, TrajectoryInputSchema } from '../../domain/vocabulary.js';
import { runCycle } from '../app/cycle.js';
import { recordTrajectories, rollbackTo, validateTrajectories } from '../app/operations.js';
import { routeRequests } from '../app/routing.js';
import { loadState, unwrap, type Session } from '../app/session.js';
import { loadClientBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';

/**
 * The operations memabra serves to agents over MCP. Each tool's input schema is built from the same zod
 * schemas the CLI validates with, and arguments are validated by the same code, so a bad input gets the
 * same one-line message as on the command line.
 */
export type ToolDefinition = {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType;
  readonly run: (session: Session, args: unknown) => Promise<unknown>;
};

function parseArgs<S extends z.ZodType>(schema: S, args: unknown, what: string): z.output<S> {
  const [value] = unwrap(validateItems([args ?? {}], schema, what));
  return value!;
}

const RecordArgs = z.strictObject({ trajectories: z.array(TrajectoryInputSchema).min(1) });
/** The shape around the trajectories; each one is then checked as `record` checks it, with its messages. */
const RecordEnvelope = z.strictObject({ trajectories: z.array(z.unknown()).min(1) });
const CycleArgs = z.strictObject({
  dryRun: z.boolean().optional(),
  minNewTrajectories: z.number().int().min(0).optional(),
  baselineVersion: z.string().optional(),
  benchmark: z
    .string()
    .optional()
    .describe("path of a benchmark suite JSON file in the data directory (or a directory the operator allows); default: the suite registered for the log, else the log's own held-out traffic"),
  policy: PolicyOverridesSchema.optional(),
});
const ReportsArgs = z.strictObject({ id: z.string().optional() });
const RollbackArgs = z.strictObject({ version: z.string(), reason: z.string().optional() });
const NoArgs = z.strictObject({});

export const TOOLS: readonly ToolDefinition[] = [
  {
    name: 'route',
    description:
      'Decide where the context for a request should come from (direct, memory, tool, skill or composite) with the active router. Call it before building the prompt; record the outcome after the turn with the decision exactly as returned.',
    input: RouteRequestSchema,
    run: async (session, args) => (await routeRequests(session, [parseArgs(RouteRequestSchema, args, 'request')]))[0],
  },
  {
    name: 'record',
    description: 'Record trajectories (task, candidates, decision, outcome) after the turn: all or nothing. Returns their ids.',
    input: RecordArgs,
    run: async (session, args) => {
      const { trajectories } = parseArgs(RecordEnvelope, args, 'arguments');
      return recordTrajectories(session, validateTrajectories(trajectories));
    },
  },
  {
    name: 'cycle',
    description: "Run one online-learning cycle: train a challenger on the logged trajectories, judge it against the active router (on the suite given, else the log's registered suite, else its held-out traffic), promote it only if every gate passes. Returns the report.",
    input: CycleArgs,
    run: async (session, args) => {
      const { policy, benchmark, ...options } = parseArgs(CycleArgs, args, 'arguments');
      // An agent is not the operator: the suite it names is confined to the data directory and capped.
      const suite = benchmark === undefined ? {} : { benchmark: loadClientBenchmark(benchmark, session.store.location) };
      return (await runCycle(session, { ...options, ...suite, ...(policy ? { policy } : {}) } as Parameters<typeof runCycle>[1])).report;
    },
  },
  {
    name: 'status',
    description: 'The active router version and how it got there, counts of versions, trajectories and reports, and the latest cycle.',
    input: NoArgs,
    run: async (session, args) => {
      parseArgs(NoArgs, args, 'arguments');
      return summariseStatus(await loadState(session.store));
    },
  },
  {
    name: 'versions',
    description: 'Every router version with its lineage, benchmark metrics and live reward.',
    input: NoArgs,
    run: async (session, args) => {
      parseArgs(NoArgs, args, 'arguments');
      const state = await loadState(session.store);
      return [...state.versions.values()].map((entry) => summariseVersion(state, entry));
    },
  },
  {
    name: 'reports',
    description: 'The training reports of all cycles (summaries), or one in full by cycle id.',
    input: ReportsArgs,
    run: async (session, args) => {
      const { id } = parseArgs(ReportsArgs, args, 'arguments');
      const state = await loadState(session.store);
      if (!id) return [...state.reports.values()].map(summariseReport);
      const report = [...state.reports.values()].find((r) => r.cycleId === id || r.cycleId.startsWith(id));
      if (!report) throw new MemabraError('not-found', `no report "${id}"`);
      return report;
    },
  },
  {
    name: 'rollback',
    description: 'Make an earlier router version active again (by label such as v2, id or id prefix). History is kept.',
    input: RollbackArgs,
    run: async (session, args) => {
      const { version, reason } = parseArgs(RollbackArgs, args, 'arguments');
      return rollbackTo(session, version, reason ?? null);
    },
  },
];
