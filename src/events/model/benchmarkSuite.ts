import { z } from 'zod';
import { CandidateSchema, OutcomeSchema, RouteSchema } from './vocabulary.js';

export const BenchmarkTaskSchema = z.strictObject({
  id: z.string().min(1),
  input: z.string(),
  category: RouteSchema,
  candidates: z.array(CandidateSchema),
  outcomes: z.strictObject({
    direct: OutcomeSchema,
    memory: OutcomeSchema,
    tool: OutcomeSchema,
    skill: OutcomeSchema,
    composite: OutcomeSchema,
  }),
});
export type BenchmarkTask = z.infer<typeof BenchmarkTaskSchema>;

export const BenchmarkSuiteSchema = z
  .strictObject({
    name: z.string().min(1),
    version: z.number().int().min(1),
    description: z.string().optional(),
    attribution: z.string().optional(),
    tasks: z.array(BenchmarkTaskSchema).min(1, 'a benchmark needs at least one task'),
  })
  .superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.tasks.forEach((task, index) => {
      if (seen.has(task.id)) ctx.addIssue({ code: 'custom', path: ['tasks', index, 'id'], message: `duplicate task id "${task.id}"` });
      seen.add(task.id);
    });
  });
export type BenchmarkSuite = z.infer<typeof BenchmarkSuiteSchema>;

/** Which suite a report was measured on, named by its content. */
export const BenchmarkRefSchema = z.strictObject({
  name: z.string(),
  version: z.number().int(),
  /** sha256 of the suite's canonical JSON. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  taskCount: z.number().int().min(0),
});
export type BenchmarkRef = z.infer<typeof BenchmarkRefSchema>;
