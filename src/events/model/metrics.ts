import { z } from 'zod';

export const CategoryMetricsSchema = z.strictObject({
  taskCount: z.number().int().min(0),
  meanReward: z.number(),
  errorRate: z.number(),
});
export type CategoryMetrics = z.infer<typeof CategoryMetricsSchema>;

export const MetricsSchema = z.strictObject({
  taskCount: z.number().int().min(0),
  meanReward: z.number(),
  errorRate: z.number(),
  meanLatencyMs: z.number(),
  p95LatencyMs: z.number(),
  byCategory: z.strictObject({
    direct: CategoryMetricsSchema.optional(),
    memory: CategoryMetricsSchema.optional(),
    tool: CategoryMetricsSchema.optional(),
    skill: CategoryMetricsSchema.optional(),
    composite: CategoryMetricsSchema.optional(),
  }),
});
export type Metrics = z.infer<typeof MetricsSchema>;
