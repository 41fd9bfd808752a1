import type { MemabraState, VersionEntry } from '../projections/state.js';
import { decided, refused, type Decided } from './domainError.js';

/** Finds a version by label (`v3`), full id, or a unique id prefix of at least 6 characters. */
export function resolveVersion(state: MemabraState, ref: string): Decided<VersionEntry> {
  // On a log with no router at all, what is missing is `init`, not this version.
  if (state.versions.size === 0) return refused({ type: 'not-initialised' });
  const exact = state.versions.get(ref);
  if (exact) return decided(exact);
  const entries = [...state.versions.values()];
  const byLabel = entries.find((entry) => entry.version.label === ref);
  if (byLabel) return decided(byLabel);
  if (ref.length >= 6) {
    const matches = entries.filter((entry) => entry.version.id.startsWith(ref));
    if (matches.length === 1) return decided(matches[0]!);
    if (matches.length > 1) return refused({ type: 'version-ambiguous', ref, matches: matches.map((m) => m.version.id) });
  }
  return refused({ type: 'version-not-found', ref });
}

export function nextVersionLabel(state: MemabraState): string {
  return `v${state.versions.size + 1}`;
}
