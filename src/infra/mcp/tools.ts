import { z } from 'zod';
import { judgingNotes, summariseReports, summariseStatus, summariseVersions } from '../../domain/summaries.js';
import { describeZodError, schemaCheck, validateItems } from '../../domain/trajectoryInput.js';
import { OutcomeReportSchema, RouteRequestSchema, TrajectoryInputSchema } from '../../events/model/vocabulary.js';
import { listCases, lookupCase, rebuildCases } from '../app/cases.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import { EXPLORATION_HELP } from '../../domain/exploration.js';
import { ClientCycleSchema, type CycleRequest } from '../app/cycleInputs.js';
import { EVENT_TYPES, readHistory } from '../app/history.js';
import { findReport } from '../app/reports.js';
import { evaluateVersion } from '../app/evaluation.js';
import { validateRouteRequests, validateTrajectories } from '../app/parsedInput.js';
import { loadState } from '../app/foldedState.js';
import { unwrap } from '../app/refusalErrors.js';
import type { Session } from '../app/session.js';
import { verifyLog } from '../app/verifyLog.js';
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
  if (what === 'arguments') {
    const parsed = schema.safeParse(args ?? {});
    if (!parsed.success) throw new MemabraError('input', `arguments: ${describeZodError(parsed.error)}`);
    return parsed.data;
  }
  const [value] = unwrap(validateItems([args ?? {}], schemaCheck(schema), what));
  return value!;
}

/** One request with its fields at the top level (as before), or many as `requests`: the same answers. */
const RouteArgs = RouteRequestSchema.partial({ input: true }).extend({
  requests: z.array(RouteRequestSchema).min(1).optional().describe('many requests in one call (instead of input and candidates): one answer each, in order'),
  log: z.boolean().optional().describe('false: decide without logging (previews, evaluation); the answers carry no decisionId'),
});
async function routeTool(session: Session, args: unknown): Promise<unknown> {
  const { log, ...rest } = typeof args === 'object' && args !== null ? (args as { log?: unknown }) : { log: undefined };
  if (log !== undefined && typeof log !== 'boolean') throw new MemabraError('input', 'arguments: field "log": must be true or false');
  const options = { log: log !== false };
  const request: unknown = typeof args === 'object' && args !== null ? rest : args;
  if (typeof request === 'object' && request !== null && 'requests' in request) {
    const { requests, ...single } = request as { requests: unknown };
    if (Object.keys(single).length) {
      throw new MemabraError(
        'input',
        `arguments: give one request (input, candidates) or "requests", not both; found ${Object.keys(single)
          .map((k) => `"${k}"`)
          .join(', ')} beside "requests"`,
      );
    }
    if (!Array.isArray(requests) || requests.length === 0)
      throw new MemabraError('input', 'arguments: field "requests": must be a non-empty array of requests');
    return handleCommand(session, commands.route, { requests: validateRouteRequests(requests), ...options });
  }
  return (await handleCommand(session, commands.route, { requests: [parseArgs(RouteRequestSchema, request, 'request')], ...options }))[0];
}

const RecordArgs = z.strictObject({ trajectories: z.array(z.union([OutcomeReportSchema, TrajectoryInputSchema])).min(1) });
/** The shape around the trajectories; each one is then checked as `record` checks it, with its messages. */
const RecordEnvelope = z.strictObject({ trajectories: z.array(z.unknown()).min(1) });
const ReportsArgs = z.strictObject({ id: z.string().optional() });
const InitArgs = z.strictObject({
  explorationRate: z.number().min(0).max(1).optional().describe(EXPLORATION_HELP.explorationRate),
  runnerUpShare: z.number().min(0).max(1).optional().describe(EXPLORATION_HELP.runnerUpShare),
});
const EvaluateArgs = z.strictObject({
  version: z.string().optional().describe('version label (v2), id or id prefix; default: the active one'),
  benchmark: z
    .string()
    .optional()
    .describe('path of a benchmark suite JSON file in the data directory (or a directory the operator allows); default: the bundled CLINC150 suite'),
});
/** Agents read history into their context: unless they ask for more, the last 100 events. */
export const MCP_HISTORY_LIMIT = 100;
const HistoryArgs = z.strictObject({
  asOf: z
    .union([z.number().int().min(0), z.string()])
    .optional()
    .describe('a seq number, or an ISO date or time: the trail up to then, and the state as it was then'),
  limit: z.number().int().min(1).optional().describe(`only the last N matching events (default ${MCP_HISTORY_LIMIT})`),
  types: z
    .array(z.enum(EVENT_TYPES as [string, ...string[]]))
    .optional()
    .describe('only events of these types'),
});
const CasesArgs = z.strictObject({
  action: z.enum(['list', 'lookup', 'rebuild']).optional().describe('lookup (the default when input is given), list (the default otherwise), or rebuild'),
  input: z.string().optional().describe('the request to look up'),
  limit: z.number().int().min(1).optional().describe('list: only the last N cases'),
});
const RollbackArgs = z.strictObject({ version: z.string(), reason: z.string().optional() });
const NoArgs = z.strictObject({});

export const TOOLS: readonly ToolDefinition[] = [
  {
    name: 'route',
    description:
      "Decide where the context for a request should come from (direct, memory, tool, skill or composite) with the active router. Call it before building the prompt; after the turn, record {decisionId, outcome} (or the trajectory with the decision exactly as returned); log: false decides without logging. Give one request (input, candidates) or many as requests (an array of answers, in order). An answer's scores rank the routes under the active router (higher is better; not probabilities: propensity is the chance of the route taken).",
    input: RouteArgs,
    run: routeTool,
  },
  {
    name: 'record',
    description:
      'Record outcomes after the turn, now or later: {decisionId, outcome} for a decision route logged, or whole trajectories (task, candidates, decision, outcome) for imports: all or nothing. Returns their ids.',
    input: RecordArgs,
    run: async (session, args) => {
      const { trajectories } = parseArgs(RecordEnvelope, args, 'arguments');
      return handleCommand(session, commands.record, validateTrajectories(trajectories));
    },
  },
  {
    name: 'cycle',
    description:
      "Run one online-learning cycle: train a challenger on the logged trajectories, judge it against the active router (on the suite given, else the log's registered suite, else its held-out traffic), promote it only if every gate passes. Returns the report.",
    input: ClientCycleSchema,
    run: async (session, args) => {
      const { policy, benchmark, ...options } = parseArgs(ClientCycleSchema, args, 'arguments');
      // An agent is not the operator: the suite it names is confined to the data directory and capped.
      const suite = benchmark === undefined ? {} : { benchmark: loadClientBenchmark(benchmark, session.store.location) };
      return (await handleCommand(session, commands.cycle, { ...options, ...suite, ...(policy ? { policy } : {}) } as CycleRequest)).report;
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
      return summariseVersions(await loadState(session.store));
    },
  },
  {
    name: 'reports',
    description: 'The training reports of all cycles (summaries), or one in full by cycle id.',
    input: ReportsArgs,
    run: async (session, args) => {
      const { id } = parseArgs(ReportsArgs, args, 'arguments');
      const state = await loadState(session.store);
      if (!id) return summariseReports(state);
      return findReport(state.reports, id);
    },
  },
  {
    name: 'rollback',
    description: 'Make an earlier router version active again (by label such as v2, id or id prefix). History is kept.',
    input: RollbackArgs,
    run: async (session, args) => {
      const { version, reason } = parseArgs(RollbackArgs, args, 'arguments');
      return handleCommand(session, commands.rollback, { version, reason });
    },
  },
  {
    name: 'init',
    description: 'Create the log and register and activate the baseline router. Once per log; the other tools need it.',
    input: InitArgs,
    run: async (session, args) => {
      const { explorationRate, runnerUpShare } = parseArgs(InitArgs, args, 'arguments');
      const { version, seq } = await handleCommand(session, commands.init, {
        ...(explorationRate === undefined ? {} : { explorationRate }),
        ...(runnerUpShare === undefined ? {} : { runnerUpShare }),
      });
      return { location: session.store.location, version, seq, notes: judgingNotes(await loadState(session.store)) };
    },
  },
  {
    name: 'evaluate',
    description:
      'Score a router version (default: the active one) on a benchmark suite (default: the bundled CLINC150 one), greedily (no exploration): mean reward, error rate, latency, per category.',
    input: EvaluateArgs,
    run: async (session, args) => {
      const { version, benchmark } = parseArgs(EvaluateArgs, args, 'arguments');
      // As for cycle: the suite an agent names is confined to the data directory and capped.
      const suite = benchmark === undefined ? {} : { benchmark: loadClientBenchmark(benchmark, session.store.location) };
      return evaluateVersion(session, { ...(version === undefined ? {} : { version }), ...suite });
    },
  },
  {
    name: 'verify',
    description:
      "Check the whole log (every line's seal and schema, the sequence, the hash chain, time order) and the newest snapshot against it. An error result names the first bad line.",
    input: NoArgs,
    run: async (session, args) => {
      parseArgs(NoArgs, args, 'arguments');
      const report = await verifyLog(session.store);
      if (!report.ok) throw new MemabraError('corrupt-log', report.error);
      return report;
    },
  },
  {
    name: 'history',
    description: `The audit trail, oldest first: the last ${MCP_HISTORY_LIMIT} events unless limit says otherwise (omitted counts the earlier ones), optionally of some types only; with asOf, the trail up to then and the state as it was then.`,
    input: HistoryArgs,
    run: async (session, args) => {
      const { asOf, limit, types } = parseArgs(HistoryArgs, args, 'arguments');
      return readHistory(session, { ...(asOf === undefined ? {} : { asOf }), limit: limit ?? MCP_HISTORY_LIMIT, ...(types ? { types } : {}) });
    },
  },
  {
    name: 'cases',
    description:
      'The case index (the best past trajectory per normalised request): look up the case for a request, list the cases, or rebuild the index from the log and check it.',
    input: CasesArgs,
    run: async (session, args) => {
      const { action: given, input, limit } = parseArgs(CasesArgs, args, 'arguments');
      const action = given ?? (input === undefined ? 'list' : 'lookup');
      if ((action === 'lookup') !== (input !== undefined))
        throw new MemabraError(
          'input',
          action === 'lookup' ? 'arguments: lookup needs "input", the request' : `arguments: "input" is for lookup, not ${action}`,
        );
      if (limit !== undefined && action !== 'list') throw new MemabraError('input', `arguments: "limit" is for list, not ${action}`);
      switch (action) {
        case 'lookup': {
          const result = await lookupCase(session, input!);
          if (!result.entry) throw new MemabraError('not-found', `no case for "${result.key}"`);
          return result;
        }
        case 'list':
          return listCases(session, limit);
        case 'rebuild': {
          const result = await rebuildCases(session);
          if (!result.matchesIncremental) throw new MemabraError('io', 'the rebuilt case index differs from the incremental one: please report this bug');
          return result;
        }
        default:
          return action satisfies never;
      }
    },
  },
];
