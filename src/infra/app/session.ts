import type { DecideContext } from '../../domain/decideContext.js';
import type { EventStore } from '../store/eventStore.js';
import type { Environment } from './clock.js';

/** An open log with the environment that stamps what is appended to it. */
export type Session = { readonly store: EventStore; readonly env: Environment };

/** The time, the ids and the randomness a decider gets, from the session's environment (the only place the shell reads them). */
export function decideContext(env: Environment): DecideContext {
  return { now: env.now().toISOString(), newId: env.newId, uniform: env.uniform };
}
