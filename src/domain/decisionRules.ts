import type { Candidate, CandidateKind, Route } from '../events/model/vocabulary.js';

/**
 * The rules that keep a decision consistent with the candidates it was made from, so the training data says
 * what was really brought in. They are the router's own habits (routing/routeContext.ts), so anything
 * `route` answers passes them:
 * - every selected id is one of the candidates (whose ids the schema keeps distinct), selected once;
 * - `direct` selects nothing;
 * - `memory`, `tool` and `skill` select only candidates of that kind (none when none was offered);
 * - `composite` selects at least two candidates (all of them when fewer were offered), of at least two kinds
 *   whenever two kinds or more were offered.
 * Each problem is one phrase; a caller names them all at once.
 */
export function decisionProblems(candidates: readonly Candidate[], decision: { readonly route: Route; readonly selected: readonly string[] }): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Candidate>();
  // Duplicate ids are the schema's to refuse (vocabulary.ts); here the first of them stands.
  for (const candidate of candidates) if (!byId.has(candidate.id)) byId.set(candidate.id, candidate);
  const seen = new Set<string>();
  const kinds = new Set<CandidateKind>();
  for (const id of decision.selected) {
    if (seen.has(id)) problems.push(`"decision.selected" names "${id}" twice`);
    seen.add(id);
    const candidate = byId.get(id);
    if (!candidate) problems.push(`"decision.selected" names "${id}", which is not among the candidates`);
    else kinds.add(candidate.kind);
  }
  const { route, selected } = decision;
  switch (route) {
    case 'direct':
      if (selected.length > 0)
        problems.push(`route "direct" selects nothing, but ${selected.length} ${selected.length === 1 ? 'candidate is' : 'candidates are'} selected`);
      break;
    case 'memory':
    case 'tool':
    case 'skill':
      for (const id of selected) {
        const kind = byId.get(id)?.kind;
        if (kind && kind !== route) problems.push(`route "${route}" selects only ${route} candidates, but "${id}" is a ${kind}`);
      }
      break;
    case 'composite': {
      const needed = Math.min(2, byId.size);
      if (seen.size < needed)
        problems.push(`route "composite" selects at least ${needed} candidates, but ${seen.size} ${seen.size === 1 ? 'is' : 'are'} selected`);
      const offeredKinds = new Set([...byId.values()].map((c) => c.kind)).size;
      if (offeredKinds >= 2 && seen.size >= 2 && kinds.size < 2) {
        problems.push(`route "composite" selects candidates of at least two kinds when two are offered, but all selected are ${[...kinds][0]}`);
      }
      break;
    }
    default:
      return route satisfies never;
  }
  return problems;
}
