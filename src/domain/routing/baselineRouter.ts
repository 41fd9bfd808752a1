import type { BaselineParams } from '../../events/model/routerVersion.js';
import type { RouteScores } from '../../events/model/vocabulary.js';
import { summariseCandidates, type RouteContext } from './routeContext.js';

export const DEFAULT_BASELINE_PARAMS: BaselineParams = { minScore: 0.35, compositeMinScore: 0.45, readsCaseHint: true };

/** Above the composite rule's 2: a case worth repeating decides before the retrieval scores do. */
const CASE_SCORE = 3;

/**
 * The transparent rule: bring in both memory and tool when both retrieved well (composite), else the kind
 * whose best candidate scored highest, if it clears `minScore`, else answer directly. Reading the case hint,
 * the episodic memory a case hit adds is not a retrieval: it never makes a request look like it needs memory
 * (it used to, and turned every repeated tool request with a good case into composite, paid 0.7 instead of
 * 1); with `caseMinReward` set, a case whose best past outcome reached it takes the route that earned it.
 * Scores are arranged so that the greedy route is exactly that rule.
 */
export function scoreBaseline(params: BaselineParams, context: RouteContext): RouteScores {
  const hint = context.caseHint;
  const readsCases = params.readsCaseHint === true;
  const retrieved = readsCases && hint?.candidateId !== undefined ? context.candidates.filter((c) => c.id !== hint.candidateId) : context.candidates;
  const { memory, tool, skill } = summariseCandidates(retrieved);
  const composite = memory.best >= params.compositeMinScore && tool.best >= params.compositeMinScore;
  const scores: RouteScores = {
    direct: params.minScore,
    memory: memory.best,
    tool: tool.best,
    skill: skill.best,
    composite: composite ? 2 : 0,
  };
  if (readsCases && hint && params.caseMinReward !== undefined && hint.reward >= params.caseMinReward) return { ...scores, [hint.route]: CASE_SCORE };
  return scores;
}
