import { z } from 'zod';
import { describeEvent } from '../../domain/eventDescriptions.js';
import { summariseStatus, type StatusSummary } from '../../domain/summaries.js';
import { eventDataSchemas, type EventType } from '../../events/catalogue.js';
import { batchesAsOf, type AsOf } from '../../projections/fold.js';
import { MemabraError } from '../errors.js';
import { loadState } from './foldedState.js';
import type { Session } from './session.js';

export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];

export type HistoryQuery = {
  /** A seq number, or an ISO date or time: the trail up to it, and the state as it was then. */
  readonly asOf?: string | number;
  /** Only the last N events that match (the most recent). */
  readonly limit?: number;
  /** Only events of these types. */
  readonly types?: readonly string[];
};

export type HistoryLine = { seq: number; at: string; type: EventType; description: string };

export type History = {
  events: HistoryLine[];
  /** Events that matched but were left out by the limit (the earlier ones). */
  omitted: number;
  asOf?: AsOf;
  state?: StatusSummary;
};

const IsoDate = z.iso.date();
const IsoTime = z.iso.datetime({ offset: true, local: true });

/**
 * `--as-of` takes a seq within the log (0 is before the first event) or a real ISO date or time: a seq past
 * the head, or a date that no calendar has (2026-02-30, which `Date` would read as March 2), is refused.
 */
export function parseAsOf(value: string | number, lastSeq: number): AsOf {
  const text = String(value).trim();
  if (/^\d+$/.test(text)) {
    const seq = Number(text);
    if (seq > lastSeq) throw new MemabraError('usage', `--as-of ${text} is past the end of the log, whose last seq is ${lastSeq}`);
    return { seq };
  }
  if (IsoDate.safeParse(text).success || IsoTime.safeParse(text).success) return { time: new Date(text).toISOString() };
  const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
  if (date && !IsoDate.safeParse(date).success) throw new MemabraError('usage', `--as-of "${text}": ${date} is not a date in the calendar`);
  if (date) throw new MemabraError('usage', `--as-of "${text}" is not an ISO time (such as 2026-11-25T10:00:00Z or 2026-11-25T10:00:00+01:00)`);
  throw new MemabraError('usage', `--as-of takes a seq number or an ISO time (2026-11-25 or 2026-11-25T10:00:00Z), not "${text}"`);
}

/** Event type names as given, checked against the catalogue (all the unknown ones named at once). */
export function parseEventTypes(names: readonly string[]): EventType[] {
  const wanted = names
    .flatMap((name) => name.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = wanted.filter((name) => !(EVENT_TYPES as string[]).includes(name));
  if (unknown.length) {
    throw new MemabraError(
      'usage',
      `unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; the types are ${EVENT_TYPES.join(', ')}`,
    );
  }
  return wanted as EventType[];
}

/** The audit trail, filtered and cut to its last `limit` events; with `asOf`, also the state as it was then. */
export async function readHistory(session: Session, query: HistoryQuery = {}): Promise<History> {
  const types = query.types?.length ? new Set(parseEventTypes(query.types)) : null;
  if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit >= 1)) {
    throw new MemabraError('usage', `--limit takes a whole number of events, at least 1, not ${query.limit}`);
  }
  const asOf = query.asOf === undefined ? undefined : parseAsOf(query.asOf, (await session.store.head()).lastSeq);
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  let kept: HistoryLine[] = [];
  let matched = 0;
  for await (const batch of batchesAsOf(session.store.readBatches(), asOf)) {
    for (const event of batch) {
      if (types && !types.has(event.type)) continue;
      matched++;
      kept.push({ seq: event.seq, at: event.at, type: event.type, description: describeEvent(event) });
      // Keep a window of the last `limit`, trimmed now and then rather than on every event.
      if (kept.length >= 2 * limit) kept = kept.slice(-limit);
    }
  }
  const events = kept.slice(-limit);
  const history: History = { events, omitted: matched - events.length };
  return asOf ? { ...history, asOf, state: summariseStatus(await loadState(session.store, asOf)) } : history;
}
