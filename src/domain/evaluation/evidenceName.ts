import type { Evidence } from '../../events/catalogue.js';

/** How a report names what judged a challenger, in a few words. */
export function evidenceName(evidence: Evidence): string {
  switch (evidence.type) {
    case 'suite': {
      const { name, version } = evidence.benchmark;
      const source = evidence.source === 'registered' ? ', registered for this log' : evidence.source === 'option' ? ', passed to the cycle' : '';
      return `${name} v${version}${source}`;
    }
    case 'held-out':
      return `held-out traffic (${Math.round(evidence.rule.share * 100)}% of this log's routed trajectories, off-policy)`;
    default:
      return evidence satisfies never;
  }
}

/** A short name, for tables. */
export function evidenceLabel(evidence: Evidence): string {
  return evidence.type === 'suite' ? evidence.benchmark.name : 'held-out traffic';
}
