import type { BaselineParams } from '../routerVersion.js';
import type { RouteScores } from '../vocabulary.js';
import { summariseCandidates, type RouteContext } from './routeContext.js';

export const DEFAULT_BASELINE_PARAMS: BaselineParams = { minScore: 0.35, compositeMinScore: 0.45 };

/**
 * The transparent rule: bring in both memory and tool when both retrieved well (composite); otherwise the
 * kind whose best candidate scored highest, if it clears `minScore`; otherwise answer directly. Scores are
 * arranged so that the greedy route is exactly that rule.
 */
export function scoreBaseline(params: BaselineParams, context: RouteContext): RouteScores {
  const { memory, tool, skill } = summariseCandidates(context.candidates);
  const composite = memory.best >= params.compositeMinScore && tool.best >= params.compositeMinScore;
  return {
    direct: params.minScore,
    memory: memory.best,
    tool: tool.best,
    skill: skill.best,
    composite: composite ? 2 : 0,
  };
}
