import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteAnswer } from '../../src/events/model/vocabulary.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/fixtures.js';
import { feedback, feedbackArb, outcomeArb, routeRequestArb } from '../support/loopArbitraries.js';

const jsonLines = (values: readonly unknown[]) => values.map((value) => `${JSON.stringify(value)}\n`).join('');

describe('route, then record what it answered (CLI, real child processes)', () => {
  it('accepts the answer lines fed back, by id or whole, logged or not, for any request and any case hit', { timeout: 600_000 }, () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init', '--exploration-rate', '0.5']).code).toBe(0);
    let caseHits = 0;
    let recorded = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(routeRequestArb, outcomeArb, feedbackArb), { minLength: 1, maxLength: 6 }), fc.boolean(), (turns, log) => {
        const requests = turns.map(([request]) => request);
        const routed = runCli(['--dir', dir, 'route', '-', ...(log ? [] : ['--no-log'])], { input: jsonLines(requests) });
        expect(routed.stderr).toBe('');
        expect(routed.code).toBe(0);
        const answers: RouteAnswer[] = routed.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line));
        expect(answers).toHaveLength(requests.length);
        caseHits += answers.filter((answer) => answer.caseMemory).length;
        const items = turns.map(([request, outcome, how], i) => feedback(request, answers[i]!, outcome, how));
        const result = runCli(['--dir', dir, 'record', '-'], { input: jsonLines(items) });
        expect(result.stderr).toMatch(/^recorded \d+ trajector/);
        expect(result.code).toBe(0);
        recorded += items.length;
      }),
      // Every run is two processes: a few runs of several requests each reach every route and case hits.
      { numRuns: 12, seed: 7 },
    );
    const status = JSON.parse(runCli(['--dir', dir, 'status', '--json']).stdout);
    expect(status).toMatchObject({ trajectoryCount: recorded, decisions: { awaitingOutcome: 0 } });
    expect(caseHits).toBeGreaterThan(3);
  });
});
