import { describe, expect, it } from 'vitest';
import { decideRecord } from '../../src/domain/record.js';
import { decideRoutes } from '../../src/domain/routeRequests.js';
import type { EventOf } from '../../src/events/catalogue.js';
import { decisionStanding } from '../../src/projections/state.js';
import type { CheckedRouteRequest, RouteAnswer } from '../../src/events/model/vocabulary.js';
import { baselineRegistered, context, decider, type History } from '../support/givenWhenThen.js';

const request: CheckedRouteRequest = {
  input: 'text my mom that i am late',
  metadata: { channel: 'sms' },
  candidates: [
    { id: 'sms.send', kind: 'tool', name: 'send_sms', score: 0.71 },
    { id: 'mem-17', kind: 'memory', name: 'contact: mom', score: 0.64 },
  ],
};
const outcome = { reward: 1, error: null, latencyMs: 1240 };
const greedy = () => 0.99; // above any exploration rate: the router's greedy choice
const ACTIVE = '01J0000000000000000000000A';

/** `route` decides with the log's active router and logs each decision: its answers beside its events. */
const route = decider(
  (requests: readonly CheckedRouteRequest[], state, context) => decideRoutes({ requests, log: true }, state, { ...context, uniform: greedy }),
  (routed) => routed.events,
);
const record = decider(decideRecord);
/** Routing happens on the 25th, outcomes come in two days later. */
const routing = (firstId = 5000) => context('2026-11-25T12:00:00.000Z', firstId);
const recording = (firstId = 9000) => context('2026-11-27T08:00:00.000Z', firstId);

/** The DecisionLogged that `route` writes for a request it answered with `answer` and no case memory. */
const logged = (asked: CheckedRouteRequest, answer: RouteAnswer): EventOf<'DecisionLogged'> => ({
  type: 'DecisionLogged',
  data: {
    decisionId: answer.decisionId!,
    decidedAt: '2026-11-25T12:00:00.000Z',
    request: { input: asked.input, ...(asked.metadata ? { metadata: asked.metadata } : {}) },
    candidates: asked.candidates,
    caseMemoryId: null,
    route: answer.route,
    selected: answer.selected,
    routerVersionId: ACTIVE,
    propensity: answer.propensity!,
    scores: answer.scores!,
  },
});

/** A log where route logged a decision for `request` and record completed it: the request's case is indexed. */
function completedOnce(): History {
  const first = route.given(baselineRegistered()).when([request], routing());
  const decisionId = first.value().answers[0]!.decisionId!;
  return record
    .given(first.appended())
    .when({ trajectories: [{ decisionId, outcome }] }, recording())
    .appended();
}

describe('the decision lifecycle: route logs, record completes', () => {
  it('given an active router, when routing two requests, then each is logged with what the router was offered and chose, and answered with its decision id', () => {
    const other: CheckedRouteRequest = { input: 'hi there', candidates: [] };
    const routed = route.given(baselineRegistered()).when([request, other], routing());
    const { answers } = routed.value();
    routed.then(logged(request, answers[0]!), logged(other, answers[1]!));
    expect(answers.map((a) => a.decisionId)).toEqual(routed.events().map((e) => e.data.decisionId));
    expect(new Set(answers.map((a) => a.decisionId)).size).toBe(2);
  });

  it('given a case hit, when routing, then the injected case memory is among the logged candidates and named', () => {
    const routed = route.given(completedOnce()).when([request], routing(6000));
    const memory = routed.value().answers[0]!.caseMemory!;
    expect(memory).toMatchObject({ kind: 'memory', id: expect.stringMatching(/^case:/) });
    expect(routed.events()[0]!.data).toMatchObject({ caseMemoryId: memory.id, candidates: [...request.candidates, memory] });
  });

  it('given a logged decision, when its outcome is recorded by id days later, then the trajectory is the logged one, naming the decision, and nothing is pending', () => {
    const routed = route.given(baselineRegistered()).when([request], routing());
    routed.thenState((s) => s.decisions.pending.size, 1);
    const answer = routed.value().answers[0]!;
    const completing = record.given(routed.appended()).when({ trajectories: [{ decisionId: answer.decisionId!, outcome }] }, recording());
    const { caseMemory: _none, ...decision } = answer;
    expect(completing.events()[0]).toMatchObject({
      type: 'TrajectoryRecorded',
      data: {
        trajectory: {
          source: 'live',
          recordedAt: '2026-11-27T08:00:00.000Z',
          task: { input: request.input, metadata: { channel: 'sms' } },
          candidates: request.candidates,
          decision,
          outcome,
        },
      },
    });
    completing.thenStateMatches((s) => s.decisions, { logged: 1 });
    completing.thenState((s) => s.decisions.pending.size, 0);
    completing.thenState((s) => decisionStanding(s, answer.decisionId!), { status: 'completed', seq: 3 });
    completing.thenStateMatches((s) => s.liveStats.get(ACTIVE), { count: 1, loggedCount: 1 });
  });

  it('given a logged case hit, when the whole trajectory comes back with the decision exactly as route answered it, then it completes that decision', () => {
    const routed = route.given(completedOnce()).when([request], routing(6000));
    const answer = routed.value().answers[0]!;
    const task = { input: request.input, metadata: { channel: 'sms' } };
    const completing = record
      .given(routed.appended())
      .when({ trajectories: [{ task, candidates: request.candidates, decision: answer, outcome }] }, recording(9500));
    const { caseMemory, ...decision } = answer;
    expect(completing.events()[0]).toMatchObject({ data: { trajectory: { candidates: [...request.candidates, caseMemory], decision } } });
    completing.thenState((s) => decisionStanding(s, answer.decisionId!).status, 'completed');
  });

  it('given a logged case hit, when the case memory moved from the decision to the candidates, then it completes the decision; when it was dropped, then it is refused', () => {
    const routed = route.given(completedOnce()).when([request], routing(6000));
    const past = routed.appended();
    const { caseMemory, ...decision } = routed.value().answers[0]!;
    const task = { input: request.input, metadata: { channel: 'sms' } };
    record
      .given(past)
      .when({ trajectories: [{ task, candidates: [caseMemory!, ...request.candidates], decision, outcome }] }, recording(9500))
      .thenState((s) => decisionStanding(s, decision.decisionId!).status, 'completed');
    record
      .given(past)
      .when({ trajectories: [{ task, candidates: request.candidates, decision, outcome }] }, recording(9500))
      .thenRefuses(
        expect.objectContaining({
          type: 'decision-mismatch',
          differences: [`candidates are not those offered (3 logged, 2 given; missing "${caseMemory!.id}")`],
        }),
      );
  });

  it('given a completed decision, when a second outcome comes for it, then it is refused naming the id, in the log or twice in one batch', () => {
    const routed = route.given(baselineRegistered()).when([request], routing());
    const id = routed.value().answers[0]!.decisionId!;
    const past = routed.appended();
    const done = record
      .given(past)
      .when({ trajectories: [{ decisionId: id, outcome }] }, recording())
      .appended();
    record
      .given(done)
      .when({ trajectories: [{ decisionId: id, outcome }] }, recording())
      .thenRefuses({ type: 'decision-completed', decisionId: id, where: 'recorded at seq 3' });
    record
      .given(past)
      .when(
        {
          trajectories: [
            { decisionId: id, outcome },
            { decisionId: id, outcome },
          ],
        },
        recording(),
      )
      .thenRefuses({ type: 'decision-completed', decisionId: id, where: 'items 1 and 2 of this batch' });
  });

  it('given no such decision, when an outcome names it, then it is refused as unknown', () => {
    record
      .given(baselineRegistered())
      .when({ trajectories: [{ decisionId: '01HZZZZZZZZZZZZZZZZZZZZZZZ', outcome }] }, recording())
      .thenRefuses({ type: 'decision-unknown', decisionId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' });
  });

  it('given a logged decision, when a whole trajectory names it but says something else, then it is refused naming every difference', () => {
    const routed = route.given(baselineRegistered()).when([request], routing());
    const logged = routed.value().answers[0]!;
    const { propensity: _dropped, ...answer } = logged;
    const other = answer.route === 'tool' ? 'memory' : 'tool';
    record
      .given(routed.appended())
      .when(
        { trajectories: [{ task: { input: 'something else' }, candidates: request.candidates, decision: { ...answer, route: other }, outcome }] },
        recording(),
      )
      .thenRefuses({
        type: 'decision-mismatch',
        decisionId: answer.decisionId!,
        item: 1,
        differences: [
          `decision.route is "${other}", logged "${logged.route}"`,
          `decision.propensity is absent, logged ${logged.propensity}`,
          'task.input is "something else", logged "text my mom that i am late"',
          'task.metadata is absent, logged {"channel":"sms"}',
        ],
      });
  });

  it('given no logged decision, when an imported trajectory comes without a decision id, then it is recorded as it was given', () => {
    const imported = {
      id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
      task: { input: 'x' },
      candidates: request.candidates,
      decision: { route: 'tool' as const, selected: ['sms.send'] },
      outcome,
    };
    record
      .given(baselineRegistered())
      .when({ trajectories: [imported] }, recording())
      .then({ type: 'TrajectoryRecorded', data: { trajectory: { ...imported, recordedAt: '2026-11-27T08:00:00.000Z', source: 'import' } } });
  });
});
