import { expect } from 'vitest';
import type { LoggedTrajectory } from '../../src/domain/cycle.js';
import type { DecideContext } from '../../src/domain/decideContext.js';
import { describeDomainError, type Decided, type DomainError } from '../../src/domain/domainError.js';
import type { DomainEvent, StoredEvent } from '../../src/events/catalogue.js';
import { seededRandom } from '../../src/domain/random.js';
import { foldEvents } from '../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../src/projections/state.js';
import { sequentialIds, stored } from './fixtures.js';

/**
 * Decider specifications: given these events, when this command, then these events or this refusal.
 * The state a decider sees is folded from the given events by the real projections, as the shell folds the
 * log; the time and the ids come from a context fixed by the history (or given), so every run decides alike.
 */

/** A log as a specification grows it: the events, stamped as the store would, and the state folded batch by batch. */
export type History = { readonly events: readonly DomainEvent[]; readonly log: readonly StoredEvent[]; readonly state: MemabraState };

/** The history of these events, folded in one batch. */
export function history(...events: readonly DomainEvent[]): History {
  const log = stored(events);
  return { events, log, state: foldEvents(initialState, log) };
}

/** The history with a decided batch appended: stamped after what it holds, folded onto its state (not replayed). */
export function appended(past: History, events: readonly DomainEvent[]): History {
  const added = stored(events, past.log.length + 1);
  return { events: [...past.events, ...events], log: [...past.log, ...added], state: foldEvents(past.state, added) };
}

/** The recorded trajectories of a log with their seqs, in log order: what the shell streams to a cycle. */
export function loggedTrajectories(log: readonly StoredEvent[]): LoggedTrajectory[] {
  return log.flatMap((e) => (e.type === 'TrajectoryRecorded' ? [{ seq: e.seq, trajectory: e.data.trajectory }] : []));
}

/** A fixed time, ids counting from `firstId`, and seeded draws (which only `route` takes). */
export function context(now = '2026-11-25T12:00:00.000Z', firstId = 1000, uniform = seededRandom(firstId)): DecideContext {
  return { now, newId: sequentialIds(firstId), uniform };
}

/**
 * The context a `when` gets unless it is given one: the time moves on a second per event in the history and the
 * ids start past any a decision before could have taken (each appended event takes at most one id), so a history
 * grown through several decisions never repeats an id.
 */
export function contextAfter(past: History): DecideContext {
  return context(new Date(Date.parse('2026-11-25T12:00:00.000Z') + past.log.length * 1000).toISOString(), 10_000 * (past.log.length + 1));
}

/**
 * A decide function as a specification calls it: memabra's one decider shape, `(command, state, context)`, and
 * the stamped log as a fourth argument for a spec whose command carries what the shell reads from the log (the
 * cycle's trajectories), so that spec adapts its decider in a line.
 */
export type Decide<C, R> = (command: C, state: MemabraState, context: DecideContext, log: readonly StoredEvent[]) => R;

type MaybeAsync<T> = T | Promise<T>;
/** A synchronous decider's spec answers at once; an asynchronous one's answers a promise (await it). */
type Settled<R, T> = R extends Promise<unknown> ? Promise<T> : T;
type ValueOf<R> = Awaited<R> extends Decided<infer O> ? O : never;
type EventsIn<O> = O extends readonly (infer E)[] ? E : never;

/** What a refusal must be: its kind, the whole error (asymmetric matchers welcome), its one-line message, or a test. */
export type Refusal = DomainError['type'] | DomainError | RegExp | ((error: DomainError) => boolean);

export type When<R, O, E> = {
  /** The decider decided exactly these events, in this order. */
  then(...expected: readonly E[]): Settled<R, void>;
  /** The decider refused, as `refusal` says; a refusal appends nothing. */
  thenRefuses(refusal: Refusal): Settled<R, void>;
  /** After the decided events are folded onto the given state, `select` of it equals `expected`. */
  thenState<T>(select: (state: MemabraState) => T, expected: T): Settled<R, void>;
  /** The same, matching `expected` as a pattern (toMatchObject). */
  thenStateMatches<T>(select: (state: MemabraState) => T, expected: unknown): Settled<R, void>;
  /** The decided events, for assertions on a part of them (fails on a refusal). */
  events(): Settled<R, E[]>;
  /** The decider's whole answer (for `route`, its answers beside its events; fails on a refusal). */
  value(): Settled<R, O>;
  /** The given history with the decided events appended: the "given" of the next step. */
  appended(): Settled<R, History>;
  /** The raw decision, refusal or not. */
  decision(): R;
};

export type Spec<C, R, O, E> = {
  given(...events: readonly DomainEvent[]): { when(command: C, context?: DecideContext): When<R, O, E> };
  given(past: History): { when(command: C, context?: DecideContext): When<R, O, E> };
};

const isHistory = (value: unknown): value is History => typeof value === 'object' && value !== null && 'log' in value && 'state' in value;

function accepted<O>(result: Decided<O>): O {
  const why = result.ok ? '' : `refused: ${JSON.stringify(result.error)} (${describeDomainError(result.error)})`;
  expect(result.ok, why).toBe(true);
  return (result as { value: O }).value;
}

function checkRefusal(result: Decided<unknown>, refusal: Refusal): void {
  expect(result.ok, result.ok ? `decided ${JSON.stringify(result.value).slice(0, 400)}` : '').toBe(false);
  const { error } = result as { error: DomainError };
  if (typeof refusal === 'string') expect(error.type).toBe(refusal);
  else if (refusal instanceof RegExp) expect(describeDomainError(error)).toMatch(refusal);
  else if (typeof refusal === 'function') expect(refusal(error), JSON.stringify(error)).toBe(true);
  else expect(error).toEqual(refusal);
}

/** The spec of a decider that returns events. */
export function decider<C, R extends MaybeAsync<Decided<readonly DomainEvent[]>>>(decide: Decide<C, R>): Spec<C, R, ValueOf<R>, EventsIn<ValueOf<R>>>;
/** The spec of a decider that returns more than events (`route`'s answers): `eventsOf` says which are its events. */
export function decider<C, R extends MaybeAsync<Decided<unknown>>, E extends DomainEvent>(
  decide: Decide<C, R>,
  eventsOf: (value: ValueOf<R>) => readonly E[],
): Spec<C, R, ValueOf<R>, E>;
export function decider<C, O, E extends DomainEvent>(
  decide: Decide<C, MaybeAsync<Decided<O>>>,
  eventsOf: (value: O) => readonly E[] = (value) => value as readonly E[],
): Spec<C, MaybeAsync<Decided<O>>, O, E> {
  const given = (...args: readonly DomainEvent[] | [History]) => {
    const past = args.length === 1 && isHistory(args[0]) ? args[0] : history(...(args as readonly DomainEvent[]));
    return {
      when(command: C, fixed?: DecideContext): When<MaybeAsync<Decided<O>>, O, E> {
        let result: MaybeAsync<Decided<O>> | undefined;
        // Decided once, however many `then`s look at it: a cycle trains a router.
        const decision = () => (result ??= decide(command, past.state, fixed ?? contextAfter(past), past.log));
        const settle = <T>(f: (decided: Decided<O>) => T): MaybeAsync<T> => {
          const r = decision();
          return r instanceof Promise ? r.then(f) : f(r);
        };
        const after = (decided: Decided<O>) => appended(past, eventsOf(accepted(decided)));
        return {
          then: (...expected) => {
            // A `When` has a `then`, so `await when` would call it with the promise's callbacks and hang: say so instead.
            if (expected.some((e) => typeof e === 'function'))
              throw new Error('a When is not a promise: await its then(...events), thenRefuses(...) or thenState(...)');
            return settle((d) => void expect(eventsOf(accepted(d))).toEqual(expected));
          },
          thenRefuses: (refusal) => settle((d) => checkRefusal(d, refusal)),
          thenState: (select, expected) => settle((d) => void expect(select(after(d).state)).toEqual(expected)),
          thenStateMatches: (select, expected) => settle((d) => void expect(select(after(d).state)).toMatchObject(expected as object)),
          events: () => settle((d) => [...eventsOf(accepted(d))]),
          value: () => settle(accepted),
          appended: () => settle(after),
          decision,
        } as When<MaybeAsync<Decided<O>>, O, E>;
      },
    };
  };
  return { given } as Spec<C, MaybeAsync<Decided<O>>, O, E>;
}

export const baselineRegistered = (id = '01J0000000000000000000000A', label = 'v1'): DomainEvent => ({
  type: 'RouterRegistered',
  data: {
    version: {
      id,
      label,
      createdAt: '2026-11-25T10:00:00.000Z',
      parentId: null,
      explorationRate: 0.1,
      kind: 'baseline',
      params: { minScore: 0.35, compositeMinScore: 0.45 },
    },
    activate: true,
    reason: 'init',
  },
});

/** A recorded live trajectory with no candidates, routed `direct`; only what projections look at varies. */
export const trajectoryRecorded = (t: {
  id: string;
  input: string;
  reward: number;
  routerVersionId?: string | undefined;
  error?: string | null;
}): DomainEvent => ({
  type: 'TrajectoryRecorded',
  data: {
    trajectory: {
      id: t.id,
      recordedAt: '2026-11-25T10:00:00.000Z',
      source: 'live',
      task: { input: t.input },
      candidates: [],
      decision: { route: 'direct', selected: [], ...(t.routerVersionId ? { routerVersionId: t.routerVersionId, propensity: 0.9 } : {}) },
      outcome: { reward: t.reward, error: t.error ?? null, latencyMs: 300 },
    },
  },
});
