/**
 * The promotion policy's defaults as plain values, without zod: the schema (`promotionPolicy.ts`) takes
 * its defaults from here, and the CLI shows them in its flags' help, so `memabra --help` and
 * `memabra --version` need not load zod (docs/performance.md, "One-shot status").
 */
export const POLICY_DEFAULTS = {
  minRewardDelta: 0,
  maxErrorRateIncrease: null,
  maxLatencyIncreaseMs: null,
  requiredTaskCount: 100,
  maxCategoryRegression: null,
  confidenceLevel: 0.95,
  bootstrapResamples: 2000,
  seed: 7,
} as const;
