import type { Outcome, Route } from '../../events/model/vocabulary.js';

/**
 * The reward model (docs/formats.md): the outcome of choosing a route when the task needs another. Rows: needed;
 * columns: chosen. `error` marks a tool invoked with nothing to do.
 */
const TABLE: Record<Route, Record<Route, readonly [reward: number, error: boolean]>> = {
  direct: { direct: [1.0, false], memory: [0.6, false], tool: [0.3, true], skill: [0.6, false], composite: [0.3, true] },
  memory: { direct: [0.1, false], memory: [1.0, false], tool: [0.2, true], skill: [0.2, false], composite: [0.7, false] },
  tool: { direct: [0.0, false], memory: [0.1, false], tool: [1.0, false], skill: [0.2, false], composite: [0.7, false] },
  skill: { direct: [0.2, false], memory: [0.2, false], tool: [0.2, true], skill: [1.0, false], composite: [0.7, false] },
  composite: { direct: [0.0, false], memory: [0.4, false], tool: [0.4, false], skill: [0.2, false], composite: [1.0, false] },
};

export const ROUTE_LATENCY_MS: Record<Route, number> = { direct: 300, memory: 450, skill: 500, tool: 900, composite: 1300 };

const ERROR_MESSAGE = 'tool invoked with nothing to do';

/** The expected outcome: the table's reward as it stands (what the benchmark lists). */
export function expectedOutcome(needed: Route, chosen: Route): Outcome {
  const [reward, error] = TABLE[needed][chosen];
  return { reward, error: error ? ERROR_MESSAGE : null, latencyMs: ROUTE_LATENCY_MS[chosen] };
}

/** One simulated turn: reward 1 with the table's probability, else 0; `uniform` in [0, 1) is the draw. */
export function sampledOutcome(needed: Route, chosen: Route, uniform: number): Outcome {
  const expected = expectedOutcome(needed, chosen);
  return { ...expected, reward: uniform < expected.reward ? 1 : 0 };
}
