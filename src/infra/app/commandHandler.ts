import type { Decided } from '../../domain/domainError.js';
import type { DomainEvent } from '../../events/catalogue.js';
import { foldEvents } from '../../projections/fold.js';
import type { MemabraState } from '../../projections/state.js';
import { isAppendConflict } from '../errors.js';
import type { AppendResult, NewEvent } from '../store/eventStore.js';
import { loadState } from './foldedState.js';
import { unwrap } from './refusalErrors.js';
import type { Session } from './session.js';

/**
 * A command's decider as the handler calls it: the command and everything else it needs already bound
 * (the time and ids through `decideContext`, and for the cycle the inputs gathered from the log), the
 * state the only argument. Asynchronous when it reads a stream (the cycle's trajectories).
 */
export type Decide<E extends DomainEvent> = (state: MemabraState) => Decided<E[]> | Promise<Decided<E[]>>;

/** When a lost append race (the store's append-conflict) is decided again; a refusal never is. */
export type Retry = {
  /** Decisions made at most, the first one included. */
  readonly attempts: number;
  /**
   * Whether a decision made on `decidedOn` still holds on the log as it is `now`. When it does, a lost
   * race appends the same events at the new end of the log instead of deciding again, at most `rebases`
   * times for one decision; absent, every lost race decides again.
   */
  readonly stillHolds?: (decidedOn: MemabraState, now: MemabraState) => boolean;
  readonly rebases?: number;
};

export const DEFAULT_RETRY: Retry = { attempts: 20 };

export type CommandOptions<E extends DomainEvent> = {
  /** Default DEFAULT_RETRY; `false`: a lost race is thrown at once. */
  readonly retry?: Retry | false;
  /**
   * True for decided events known to be valid against the event schemas already (the decider built them
   * from input parsed with the same schemas), which the store then seals without validating them a second
   * time; absent, the store validates.
   */
  readonly validated?: (events: readonly E[]) => boolean;
};

export type Handled<E extends DomainEvent> = {
  /** The events as the decider returned them. */
  readonly events: E[];
  /** The events as stored (ids, seqs, times) and their range of seqs. */
  readonly appended: AppendResult;
  /** How many times the command was decided. */
  readonly attempts: number;
  /**
   * The log's state after the append: the appended events folded onto the state the handler appended
   * them to, without reading the log again. A function, as folding a large record (20,000 trajectories)
   * costs a share of what the command does, and only a command that answers from the state pays it.
   */
  readonly stateAfter: () => MemabraState;
};

/** The events with their ids, from the session's environment: once per decision, kept across rebases. */
function stampIds(session: Session, events: readonly DomainEvent[]): NewEvent[] {
  return events.map((event) => ({ ...event, id: session.env.newId() }));
}

/**
 * The one path of every command: reads the state, decides, stamps the events' ids, and appends them
 * conditionally on the log not having moved (`expectedLastSeq`). When another writer got in between (the
 * store's append-conflict), it reads and decides again (the decision may differ, for example a duplicate
 * id), or, where the retry says the decision still holds, appends it at the new end. A refusal, even one
 * against the log's state (kind `conflict`), is final; out of attempts, the last lost race is thrown.
 */
export async function handleCommand<E extends DomainEvent>(session: Session, decide: Decide<E>, options: CommandOptions<E> = {}): Promise<Handled<E>> {
  const retry = options.retry === false ? { attempts: 1 } : (options.retry ?? DEFAULT_RETRY);
  for (let attempt = 1; ; attempt++) {
    const decidedOn = await loadState(session.store);
    const events = unwrap(await decide(decidedOn));
    const stamped = stampIds(session, events);
    const validated = options.validated?.(events) ?? false;
    let onto = decidedOn;
    let lost: unknown;
    for (let rebase = 0; ; rebase++) {
      try {
        const appended = await session.store.append(stamped, { expectedLastSeq: onto.lastSeq, validated });
        const base = onto;
        return { events, appended, attempts: attempt, stateAfter: () => foldEvents(base, appended.events) };
      } catch (error) {
        if (!isAppendConflict(error)) throw error;
        lost = error;
      }
      if (!retry.stillHolds || rebase >= (retry.rebases ?? 0)) break;
      const now = await loadState(session.store);
      if (!retry.stillHolds(decidedOn, now)) break;
      onto = now;
    }
    if (attempt >= retry.attempts) throw lost;
  }
}
