import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import { ROUTES } from '../../events/model/vocabulary.js';
import { comparePaired, type BootstrapOptions } from './pairedOutcomes.js';
import { scoreSuite } from './scoreSuite.js';
import type { Judgement } from './judgement.js';

/**
 * Both routers scored on a labelled suite (greedy, each task's listed outcome looked up) and compared task
 * by task: the reward, the error indicator and the latency of the same task under each router.
 */
export function judgeOnSuite(baseline: RouterVersion, challenger: RouterVersion, suite: BenchmarkSuite, options: BootstrapOptions): Judgement {
  const before = scoreSuite(baseline, suite);
  const after = scoreSuite(challenger, suite);
  const n = suite.tasks.length;
  const reward = new Float64Array(n);
  const error = new Float64Array(n);
  const latency = new Float64Array(n);
  const category = new Int8Array(n);
  suite.tasks.forEach((task, i) => {
    const b = task.outcomes[before.routes[i]!];
    const c = task.outcomes[after.routes[i]!];
    reward[i] = c.reward - b.reward;
    error[i] = (c.error ? 1 : 0) - (b.error ? 1 : 0);
    latency[i] = c.latencyMs - b.latencyMs;
    category[i] = ROUTES.indexOf(task.category);
  });
  const { comparison, paired } = comparePaired('paired-bootstrap', { reward, error, latency, category }, options);
  return { baseline: before.metrics, challenger: after.metrics, comparison, paired };
}
