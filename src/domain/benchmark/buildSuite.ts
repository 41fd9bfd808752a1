import { z } from 'zod';
import { decided, refused, type Decided } from '../domainError.js';
import { describeZodIssues, joinProblems } from '../trajectoryInput.js';
import { CandidateSchema, ROUTES, RouteSchema, type Route } from '../../events/model/vocabulary.js';
import { BenchmarkSuiteSchema, type BenchmarkSuite, type BenchmarkTask } from '../../events/model/benchmarkSuite.js';
import { expectedOutcome } from './rewardModel.js';

/** A task an operator labelled: the request, what the agent could bring in, and the route it needs. */
export const LabelledTaskSchema = z.strictObject({
  id: z.string().min(1).optional(),
  input: z.string().min(1, 'must not be empty'),
  candidates: z.array(CandidateSchema).default([]),
  /** The route this task needs: the reward model prices every route against it. */
  needs: RouteSchema,
  /** The category it is reported and gated under; by default the route it needs. */
  category: RouteSchema.optional(),
});
export type LabelledTask = z.infer<typeof LabelledTaskSchema>;

/** A whole labelled suite: a name and version, and its tasks. */
const LabelledSuiteHeaderSchema = z.strictObject({
  name: z.string().min(1),
  version: z.number().int().min(1).default(1),
  description: z.string().optional(),
  attribution: z.string().optional(),
  tasks: z.array(z.unknown()).min(1, 'a suite needs at least one task'),
});

export type BuildInput =
  | { readonly type: 'suite'; readonly value: unknown }
  | { readonly type: 'tasks'; readonly tasks: readonly { readonly value: unknown; readonly where: string }[]; readonly name: string; readonly version: number };

const outcomesFor = (needs: Route): BenchmarkTask['outcomes'] =>
  Object.fromEntries(ROUTES.map((route) => [route, expectedOutcome(needs, route)])) as BenchmarkTask['outcomes'];

/**
 * Turns labelled tasks into a benchmark suite: every task gets the reward model's outcome of all five
 * routes, given the route it needs. Every problem of the input is named at once (each with its line or
 * position), so a file can be fixed in one pass; a bad input builds nothing.
 */
export function buildSuite(input: BuildInput): Decided<BenchmarkSuite> {
  const problems: string[] = [];
  let header: { name: string; version: number; description?: string; attribution?: string };
  let items: { value: unknown; where: string }[];
  if (input.type === 'suite') {
    const parsed = LabelledSuiteHeaderSchema.safeParse(input.value);
    if (!parsed.success) return refused({ type: 'invalid-input', message: joinProblems(describeZodIssues(parsed.error)) });
    const { tasks, ...rest } = parsed.data;
    header = rest;
    items = tasks.map((value, i) => ({ value, where: `task ${i + 1}` }));
  } else {
    header = { name: input.name, version: input.version };
    items = [...input.tasks];
    if (items.length === 0) problems.push('no labelled tasks given');
  }
  const tasks: BenchmarkTask[] = [];
  const ids = new Map<string, string>();
  for (const [index, item] of items.entries()) {
    const parsed = LabelledTaskSchema.safeParse(item.value);
    if (!parsed.success) {
      problems.push(`${item.where}: ${describeZodIssues(parsed.error).join(', ')}`);
      continue;
    }
    const task = parsed.data;
    const id = task.id ?? `t${index + 1}`;
    const first = ids.get(id);
    if (first) problems.push(`${item.where}: duplicate task id "${id}" (first at ${first})`);
    ids.set(id, first ?? item.where);
    tasks.push({ id, input: task.input, category: task.category ?? task.needs, candidates: task.candidates, outcomes: outcomesFor(task.needs) });
  }
  if (problems.length)
    return refused({ type: 'invalid-input', message: `${problems.length} problem${problems.length > 1 ? 's' : ''}: ${joinProblems(problems)}` });
  const suite = BenchmarkSuiteSchema.safeParse({ ...header, tasks });
  if (!suite.success) return refused({ type: 'invalid-input', message: joinProblems(describeZodIssues(suite.error)) });
  return decided(suite.data);
}
