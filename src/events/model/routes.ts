/**
 * The five places context can come from, as plain values without zod (the schema, `RouteSchema` in
 * vocabulary.ts, is made of them): the snapshot's case codec reads routes by their place in this list,
 * and a sealed read of the log loads no schema (docs/performance.md, "One-shot status"). Order matters:
 * it is the index of a route in model weights and in a snapshot's case section.
 */
export const ROUTES = ['direct', 'memory', 'tool', 'skill', 'composite'] as const;
