import { eventsOf, type DecideContext, type DecidedEvents } from '../../domain/decideContext.js';
import type { Decided } from '../../domain/domainError.js';
import type { DomainEvent } from '../../events/catalogue.js';
import { foldEvents } from '../../projections/fold.js';
import type { MemabraState } from '../../projections/state.js';
import { isAppendConflict, MemabraError } from '../errors.js';
import type { AppendResult, NewEvent } from '../store/eventStore.js';
import { loadState } from './foldedState.js';
import { unwrap } from './refusalErrors.js';
import { decideContext, type Session } from './session.js';

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
  /** What is reported when the attempts run out; absent, the store's last append-conflict. */
  readonly outOfAttempts?: string;
};

export const DEFAULT_RETRY: Retry = { attempts: 20 };

export type Handled<D extends DecidedEvents> = {
  /** The decision as the decider returned it. */
  readonly decision: D;
  /** The events as stored (ids, seqs, times) and their range of seqs; none for a decision of no events. */
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

/**
 * A command as the one handler runs it, registered once (commands.ts) and called the same way by the CLI,
 * the MCP tools, the HTTP endpoints and the library: `handleCommand(session, registration, request)`.
 */
export type Registration<Request, Command, D extends DecidedEvents, Answer> = {
  /** The command its decider takes, made once from what the edge was asked (defaults, a suite read and stored). */
  readonly command: (request: Request, session: Session) => Command | Promise<Command>;
  /**
   * How the command is decided: its decider (src/domain), or, where the decider also takes inputs only the
   * log holds as of the state decided on (the cycle's trajectories and registered suite), those gathered
   * from the session first. A lost race decides again, so they are gathered again for the newer state.
   */
  readonly decide: (command: Command, state: MemabraState, context: DecideContext, session: Session) => Decided<D> | Promise<Decided<D>>;
  /** What the command answers, from its decision, the append and the state after it. */
  readonly answer: (handled: Handled<D>) => Answer;
  /** Default DEFAULT_RETRY; `false`: a lost race is thrown at once. */
  readonly retry?: Retry | false;
  /**
   * True for decided events known to be valid against the event schemas already (the decider built them
   * from input parsed with the same schemas), which the store then seals without validating them a second
   * time; absent, the store validates.
   */
  readonly validated?: (decision: D, command: Command) => boolean;
};

/** A registration, its types read from its parts. */
export const registration = <Request, Command, D extends DecidedEvents, Answer>(
  registered: Registration<Request, Command, D, Answer>,
): Registration<Request, Command, D, Answer> => registered;

/** The events with their ids, from the session's environment: once per decision, kept across rebases. */
function stampIds(session: Session, events: readonly DomainEvent[]): NewEvent[] {
  return events.map((event) => ({ ...event, id: session.env.newId() }));
}

/** Nothing appended, for a decision of no events (`route --no-log`): an empty range after the state's last seq. */
const nothingAppended = (state: MemabraState): AppendResult => ({ firstSeq: state.lastSeq + 1, lastSeq: state.lastSeq, events: [] });

/**
 * The one path of every command: makes the command from the request, reads the state, decides, stamps the
 * events' ids, and appends them conditionally on the log not having moved (`expectedLastSeq`). When
 * another writer got in between (the store's append-conflict), it reads and decides again (the decision
 * may differ, for example a duplicate id), or, where the retry says the decision still holds, appends it
 * at the new end. A refusal, even one against the log's state (kind `conflict`), is final; out of
 * attempts, the last lost race is thrown. A decision of no events appends nothing.
 */
export async function handleCommand<Request, Command, D extends DecidedEvents, Answer>(
  session: Session,
  registered: Registration<Request, Command, D, Answer>,
  request: Request,
): Promise<Answer> {
  const command = await registered.command(request, session);
  const retry = registered.retry === false ? { attempts: 1 } : (registered.retry ?? DEFAULT_RETRY);
  for (let attempt = 1; ; attempt++) {
    const decidedOn = await loadState(session.store);
    const decision = unwrap(await registered.decide(command, decidedOn, decideContext(session.env), session));
    const events = eventsOf(decision);
    if (events.length === 0) return registered.answer({ decision, appended: nothingAppended(decidedOn), attempts: attempt, stateAfter: () => decidedOn });
    const stamped = stampIds(session, events);
    const validated = registered.validated?.(decision, command) ?? false;
    let onto = decidedOn;
    let lost: unknown;
    for (let rebase = 0; ; rebase++) {
      let appended: AppendResult | undefined;
      try {
        appended = await session.store.append(stamped, { expectedLastSeq: onto.lastSeq, validated });
      } catch (error) {
        if (!isAppendConflict(error)) throw error;
        lost = error;
      }
      if (appended) {
        const [base, stored] = [onto, appended.events];
        return registered.answer({ decision, appended, attempts: attempt, stateAfter: () => foldEvents(base, stored) });
      }
      if (!retry.stillHolds || rebase >= (retry.rebases ?? 0)) break;
      const now = await loadState(session.store);
      if (!retry.stillHolds(decidedOn, now)) break;
      onto = now;
    }
    if (attempt >= retry.attempts) throw retry.outOfAttempts ? new MemabraError('append-conflict', retry.outOfAttempts) : lost;
  }
}
