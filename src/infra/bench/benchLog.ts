import { indexCatalogue, retrieveCandidates } from '../../domain/benchmark/catalogue.js';
import { sampledOutcome } from '../../domain/benchmark/rewardModel.js';
import { seededRandom } from '../../domain/random.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import { DEFAULT_BASELINE_PARAMS } from '../../domain/routing/baselineRouter.js';
import { decideRoute } from '../../domain/routing/routeDecision.js';
import type { Candidate, Trajectory } from '../../events/model/vocabulary.js';
import { loadCatalogue, loadTrainRequests } from '../data/bundledData.js';

export const BENCH_BASELINE: RouterVersion = {
  id: '01BENCH0000000000000000000',
  label: 'v1',
  createdAt: '2026-01-01T00:00:00.000Z',
  parentId: null,
  explorationRate: 0.1,
  kind: 'baseline',
  params: DEFAULT_BASELINE_PARAMS,
};

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function benchId(n: number): string {
  let out = '';
  for (let i = 0, v = n; i < 26; i++, v = Math.floor(v / 32)) out = CROCKFORD[v % 32] + out;
  return out;
}

/**
 * Realistic trajectories for the benchmarks: the CLINC150 train requests over and over (agents see the same
 * requests again and again), routed by the baseline with exploration, rewards drawn from the reward model.
 */
export function* benchTrajectories(count: number, seed = 1): Generator<Trajectory> {
  const requests = loadTrainRequests();
  const catalogue = indexCatalogue(loadCatalogue());
  const candidates = new Map<string, Candidate[]>();
  const random = seededRandom(seed);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  for (let i = 0; i < count; i++) {
    const request = requests[i % requests.length]!;
    let found = candidates.get(request.text);
    if (!found) {
      found = retrieveCandidates(catalogue, request.text);
      candidates.set(request.text, found);
    }
    const decision = decideRoute(BENCH_BASELINE, { input: request.text, candidates: found }, random());
    yield {
      id: benchId(1_000_000_000 + i),
      recordedAt: new Date(start + i * 100).toISOString(),
      source: 'live',
      task: { input: request.text },
      candidates: found,
      decision,
      outcome: sampledOutcome(request.route, decision.route, random()),
    };
  }
}
