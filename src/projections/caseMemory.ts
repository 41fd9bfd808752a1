import type { Trajectory } from '../events/model/vocabulary.js';

/**
 * The key of the case index: case, width, spacing and punctuation folded, so "Text my mom!" and
 * "text  my MOM" are the same case.
 */
export function normaliseInput(input: string): string {
  const known = recentKeys.get(input);
  if (known !== undefined) return known;
  const key = input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  // Agents see the same requests again and again; a bounded memo makes replay of such logs cheaper.
  if (recentKeys.size >= RECENT_KEYS) recentKeys.clear();
  recentKeys.set(input, key);
  return key;
}

const RECENT_KEYS = 50_000;
const recentKeys = new Map<string, string>();

function formatLatency(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** One readable line about a past trajectory, as an episodic memory candidate shows it to the agent. */
export function summariseTrajectory(trajectory: Trajectory): string {
  const { task, decision, outcome, candidates } = trajectory;
  const used = decision.selected.map((id) => candidates.find((c) => c.id === id)?.name ?? id);
  const input = task.input.length > 80 ? `${task.input.slice(0, 77)}...` : task.input;
  const what = used.length ? ` using ${used.join(', ')}` : '';
  const error = outcome.error ? `, error: ${outcome.error}` : '';
  return `"${input}" -> ${decision.route}${what}: reward ${outcome.reward.toFixed(2)} in ${formatLatency(outcome.latencyMs)}${error}`;
}

/** The id prefix of the episodic memory candidate a case hit adds to a request (`routeRequests.ts`). */
export const CASE_CANDIDATE_PREFIX = 'case:';

export type CaseEntry = {
  readonly key: string;
  readonly trajectoryId: string;
  readonly seq: number;
  readonly route: Trajectory['decision']['route'];
  readonly selected: readonly string[];
  readonly reward: number;
  readonly latencyMs: number;
  readonly summary: string;
};

type CaseRank = Pick<CaseEntry, 'reward' | 'latencyMs' | 'seq'>;

/** The best case wins: higher reward, then lower latency, then the more recent. */
export function isBetterCase(candidate: CaseRank, incumbent: CaseRank | undefined): boolean {
  if (!incumbent) return true;
  if (candidate.reward !== incumbent.reward) return candidate.reward > incumbent.reward;
  if (candidate.latencyMs !== incumbent.latencyMs) return candidate.latencyMs < incumbent.latencyMs;
  return candidate.seq > incumbent.seq;
}

export function caseFromTrajectory(trajectory: Trajectory, seq: number): CaseEntry {
  return {
    key: normaliseInput(trajectory.task.input),
    trajectoryId: trajectory.id,
    seq,
    route: trajectory.decision.route,
    selected: trajectory.decision.selected,
    reward: trajectory.outcome.reward,
    latencyMs: trajectory.outcome.latencyMs,
    summary: summariseTrajectory(trajectory),
  };
}
