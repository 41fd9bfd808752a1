import type { DomainEvent } from '../events/catalogue.js';
import type { MemabraState } from '../projections/state.js';
import type { Decided } from './domainError.js';

/** What a decide function needs from the outside world, passed in so decisions replay exactly. */
export type DecideContext = {
  /** ISO-8601 time of the decision. */
  readonly now: string;
  /** A fresh ULID each call. */
  readonly newId: () => string;
  /** A uniform draw in [0, 1) each call: the only randomness a decision takes (the exploration of `route`). */
  readonly uniform: () => number;
};

/**
 * What a decider decides: its events, or, for `route`, its answers beside them (a preview, `--no-log`,
 * answers with no events at all).
 */
export type DecidedEvents = readonly DomainEvent[] | { readonly events: readonly DomainEvent[] };

/** The events of a decision, whichever of the two forms it takes. */
export const eventsOf = (decision: DecidedEvents): readonly DomainEvent[] => ('events' in decision ? decision.events : decision);

/**
 * The one shape of every decide function: the command (what was asked, with every input it needs already
 * gathered: for the cycle, the log's trajectories as a stream), the state folded from the log, and the
 * context; the decision or a refusal. Asynchronous only for the cycle, which reads that stream. A decider
 * that needs neither time, ids nor randomness leaves the context out of its parameters (rollback), and one
 * that needs no state the state too (registering a suite): both are still deciders of this type.
 */
export type Decider<C, D extends DecidedEvents> = (command: C, state: MemabraState, context: DecideContext) => Decided<D> | Promise<Decided<D>>;
