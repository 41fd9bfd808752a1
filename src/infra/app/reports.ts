import { MemabraError } from '../errors.js';

/**
 * The one report a cycle id names, or a prefix of it that only one cycle id starts with. An ambiguous
 * prefix is refused (exit 2, HTTP 400) on every interface rather than read as its first match, so the same
 * id can never show one report on the command line and another to an agent. `listing` is where the user
 * finds the ids (`memabra reports`, GET /v1/reports), named in the not-found message.
 */
export function findReport<R extends { readonly cycleId: string }>(reports: ReadonlyMap<string, R>, id: string, listing?: string): R {
  const exact = reports.get(id);
  if (exact) return exact;
  const matches = [...reports.values()].filter((report) => report.cycleId.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new MemabraError('input', `report "${id}" is ambiguous`);
  throw new MemabraError('not-found', `no report "${id}"${listing ? ` (see ${listing})` : ''}`);
}
