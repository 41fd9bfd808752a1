import { expect } from 'vitest';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../src/projections/state.js';
import { stored } from './fixtures.js';

/**
 * Projection specifications: given these events, then this read model. The events are stamped as the store
 * would (seq from 1) and folded by the real `foldEvents`; every `then` also checks that folding them one event
 * at a time (one batch per event, as a server that appends one by one does) reads the same, so each example is
 * an instance of the batch law as well.
 */
export type ProjectionSpec = {
  /** The read model `select` picks equals `expected`. */
  thenState<T>(select: (state: MemabraState) => T, expected: T): void;
  /** The same, matching `expected` as a pattern (toMatchObject). */
  thenStateMatches<T>(select: (state: MemabraState) => T, expected: unknown): void;
  /** The state folded in one batch, for what a selector cannot say. */
  readonly state: MemabraState;
};

export function givenEvents(...events: readonly DomainEvent[]): ProjectionSpec {
  const log = stored(events);
  const state = foldEvents(initialState, log);
  let oneByOne: MemabraState | undefined;
  const sameOneByOne = <T>(select: (state: MemabraState) => T): T => {
    oneByOne ??= log.reduce((folded, event) => foldEvents(folded, [event]), initialState);
    const selected = select(state);
    expect(select(oneByOne), 'folded one event at a time').toEqual(selected);
    return selected;
  };
  return {
    state,
    thenState: (select, expected) => void expect(sameOneByOne(select)).toEqual(expected),
    thenStateMatches: (select, expected) => void expect(sameOneByOne(select)).toMatchObject(expected as object),
  };
}
