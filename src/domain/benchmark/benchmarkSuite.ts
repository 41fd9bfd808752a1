import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../events/canonicalJson.js';
import type { BenchmarkRef } from '../../events/catalogue.js';
import { CandidateSchema, OutcomeSchema, RouteSchema } from '../vocabulary.js';

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

/** sha256 of the suite's canonical JSON: the same suite always has the same hash, whatever its key order. */
export function suiteHash(suite: BenchmarkSuite): string {
  return createHash('sha256').update(canonicalJson(suite)).digest('hex');
}

export function suiteRef(suite: BenchmarkSuite): BenchmarkRef {
  return { name: suite.name, version: suite.version, hash: suiteHash(suite), taskCount: suite.tasks.length };
}
