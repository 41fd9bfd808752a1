import type { OutcomeComparison, PairedComparison } from '../../events/catalogue.js';
import type { Metrics } from '../../events/model/metrics.js';

/** What evaluating a challenger against its baseline yields, whatever the evidence. */
export type Judgement = {
  readonly baseline: Metrics;
  readonly challenger: Metrics;
  readonly comparison: OutcomeComparison;
  readonly paired: PairedComparison;
};
