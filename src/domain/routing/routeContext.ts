import { CANDIDATE_KINDS, type Candidate, type CandidateKind, type Route } from '../../events/model/vocabulary.js';

/** What a case-index hit tells the router: how a near-identical request went before. */
export type CaseHint = {
  readonly route: Route;
  readonly reward: number;
  /** The episodic memory candidate the hit added to the request's candidates: a recollection, not a retrieval. */
  readonly candidateId?: string;
};

/** Everything a router looks at to decide one request. */
export type RouteContext = {
  readonly input: string;
  readonly candidates: readonly Candidate[];
  readonly caseHint?: CaseHint | null;
  /** Known only on benchmark tasks; only the oracle reads it. */
  readonly category?: Route;
};

export type KindSummary = { readonly best: number; readonly count: number; readonly bestId: string | null };

/** Best retrieval score and count per candidate kind; a candidate without a score counts as 0.5. */
export function summariseCandidates(candidates: readonly Candidate[]): Record<CandidateKind, KindSummary> {
  const summary: Record<CandidateKind, { best: number; count: number; bestId: string | null }> = {
    memory: { best: 0, count: 0, bestId: null },
    tool: { best: 0, count: 0, bestId: null },
    skill: { best: 0, count: 0, bestId: null },
  };
  for (const candidate of candidates) {
    const entry = summary[candidate.kind];
    const score = candidate.score ?? 0.5;
    entry.count += 1;
    if (entry.bestId === null || score > entry.best) {
      entry.best = score;
      entry.bestId = candidate.id;
    }
  }
  return summary;
}

/** The candidates a route brings in: the best of the kind it names; composite takes the best memory and tool. */
export function selectCandidates(route: Route, candidates: readonly Candidate[]): string[] {
  const summary = summariseCandidates(candidates);
  const pick = (kind: CandidateKind): string[] => (summary[kind].bestId ? [summary[kind].bestId] : []);
  switch (route) {
    case 'direct':
      return [];
    case 'memory':
    case 'tool':
    case 'skill':
      return pick(route);
    case 'composite': {
      const chosen = [...pick('memory'), ...pick('tool')];
      if (chosen.length >= 2) return chosen;
      // Fewer than two of memory and tool: the best of two kinds when there are two, else the best two of
      // the one kind there is (a composite brings several sources in; see decisionRules.ts).
      const bestOfEachKind = CANDIDATE_KINDS.flatMap(pick);
      const ranked = (ids: readonly string[]) =>
        ids
          .map((id) => candidates.find((c) => c.id === id)!)
          .sort((a, b) => (b.score ?? 0.5) - (a.score ?? 0.5))
          .slice(0, 2)
          .map((c) => c.id);
      if (bestOfEachKind.length >= 2) return ranked(bestOfEachKind);
      return ranked(candidates.map((c) => c.id));
    }
    default:
      return route satisfies never;
  }
}
