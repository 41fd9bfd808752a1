import { describe, expect, it } from 'vitest';
import { decideRecord } from '../../src/domain/record.js';
import { decideRoutes } from '../../src/domain/routeRequests.js';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { decisionStanding, type MemabraState } from '../../src/projections/state.js';
import type { CheckedRouteRequest, RecordInput } from '../../src/events/model/vocabulary.js';
import { baselineRegistered, context, given } from '../support/givenWhenThen.js';

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

/** When routing with a log context: the answers and the DecisionLogged events. */
function whenRouted(state: MemabraState, requests: readonly CheckedRouteRequest[] = [request], firstId = 5000) {
  const routed = decideRoutes(requests, state, greedy, context('2026-11-25T12:00:00.000Z', firstId));
  if (!routed.ok) throw new Error(`routing refused: ${routed.error.type}`);
  return routed.value;
}

function whenRecorded(state: MemabraState, items: readonly RecordInput[], firstId = 9000) {
  return decideRecord({ trajectories: items }, state, context('2026-11-27T08:00:00.000Z', firstId));
}

function recorded(state: MemabraState, items: readonly RecordInput[], firstId = 9000): DomainEvent[] {
  const result = whenRecorded(state, items, firstId);
  if (!result.ok) throw new Error(`record refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

describe('the decision lifecycle: route logs, record completes', () => {
  it('given an active router, when routing two requests, then each is logged with what the router was offered and chose, and answered with its decision id', () => {
    const { answers, events } = whenRouted(given(baselineRegistered()), [request, { input: 'hi there', candidates: [] }]);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      type: 'DecisionLogged',
      data: {
        decisionId: answers[0]!.decisionId,
        decidedAt: '2026-11-25T12:00:00.000Z',
        request: { input: request.input, metadata: { channel: 'sms' } },
        candidates: request.candidates,
        caseMemoryId: null,
        route: answers[0]!.route,
        selected: answers[0]!.selected,
        routerVersionId: '01J0000000000000000000000A',
        propensity: answers[0]!.propensity,
        scores: answers[0]!.scores,
      },
    });
    expect(answers.map((a) => a.decisionId)).toEqual(events.map((e) => e.data.decisionId));
    expect(new Set(answers.map((a) => a.decisionId)).size).toBe(2);
  });

  it('given a case hit, when routing, then the injected case memory is among the logged candidates and named', () => {
    const base = given(baselineRegistered());
    const first = whenRouted(base);
    const past = given(baselineRegistered(), ...first.events, ...recorded(given(baselineRegistered(), ...first.events), [{ decisionId: first.answers[0]!.decisionId!, outcome }]));
    const { answers, events } = whenRouted(past, [request], 6000);
    const memory = answers[0]!.caseMemory!;
    expect(memory).toMatchObject({ kind: 'memory', id: expect.stringMatching(/^case:/) });
    expect(events[0]!.data).toMatchObject({ caseMemoryId: memory.id, candidates: [...request.candidates, memory] });
  });

  it('given a logged decision, when its outcome is recorded by id days later, then the trajectory is the logged one, naming the decision, and nothing is pending', () => {
    const { answers, events } = whenRouted(given(baselineRegistered()));
    const state = given(baselineRegistered(), ...events);
    expect(state.decisions.pending.size).toBe(1);
    const [event] = recorded(state, [{ decisionId: answers[0]!.decisionId!, outcome }]);
    const { caseMemory: _none, ...decision } = answers[0]!;
    expect(event).toMatchObject({
      type: 'TrajectoryRecorded',
      data: { trajectory: { source: 'live', recordedAt: '2026-11-27T08:00:00.000Z', task: { input: request.input, metadata: { channel: 'sms' } }, candidates: request.candidates, decision, outcome } },
    });
    const after = given(baselineRegistered(), ...events, event!);
    expect(after.decisions).toMatchObject({ logged: 1 });
    expect(after.decisions.pending.size).toBe(0);
    expect(decisionStanding(after, answers[0]!.decisionId!)).toEqual({ status: 'completed', seq: 3 });
    expect(after.liveStats.get('01J0000000000000000000000A')).toMatchObject({ count: 1, loggedCount: 1 });
  });

  it('given a logged case hit, when the whole trajectory comes back with the decision exactly as route answered it, then it completes that decision', () => {
    const base = given(baselineRegistered());
    const first = whenRouted(base);
    const history = [baselineRegistered(), ...first.events, ...recorded(given(baselineRegistered(), ...first.events), [{ decisionId: first.answers[0]!.decisionId!, outcome }])];
    const second = whenRouted(given(...history), [request], 6000);
    const state = given(...history, ...second.events);
    const answer = second.answers[0]!;
    const [event] = recorded(state, [{ task: { input: request.input, metadata: { channel: 'sms' } }, candidates: request.candidates, decision: answer, outcome }], 9500);
    const { caseMemory, ...decision } = answer;
    expect(event).toMatchObject({ data: { trajectory: { candidates: [...request.candidates, caseMemory], decision } } });
    expect(decisionStanding(given(...history, ...second.events, event!), answer.decisionId!).status).toBe('completed');
  });

  it('given a logged case hit, when the case memory moved from the decision to the candidates, then it completes the decision; when it was dropped, then it is refused', () => {
    const first = whenRouted(given(baselineRegistered()));
    const history = [baselineRegistered(), ...first.events, ...recorded(given(baselineRegistered(), ...first.events), [{ decisionId: first.answers[0]!.decisionId!, outcome }])];
    const second = whenRouted(given(...history), [request], 6000);
    const state = given(...history, ...second.events);
    const { caseMemory, ...decision } = second.answers[0]!;
    const task = { input: request.input, metadata: { channel: 'sms' } };
    expect(whenRecorded(state, [{ task, candidates: [caseMemory!, ...request.candidates], decision, outcome }], 9500).ok).toBe(true);
    expect(whenRecorded(state, [{ task, candidates: request.candidates, decision, outcome }], 9500)).toMatchObject({
      ok: false,
      error: { type: 'decision-mismatch', differences: [`candidates are not those offered (3 logged, 2 given; missing "${caseMemory!.id}")`] },
    });
  });

  it('given a completed decision, when a second outcome comes for it, then it is refused naming the id, in the log or twice in one batch', () => {
    const { answers, events } = whenRouted(given(baselineRegistered()));
    const id = answers[0]!.decisionId!;
    const state = given(baselineRegistered(), ...events);
    const done = given(baselineRegistered(), ...events, ...recorded(state, [{ decisionId: id, outcome }]));
    expect(whenRecorded(done, [{ decisionId: id, outcome }])).toEqual({ ok: false, error: { type: 'decision-completed', decisionId: id, where: 'recorded at seq 3' } });
    expect(whenRecorded(state, [{ decisionId: id, outcome }, { decisionId: id, outcome }])).toEqual({
      ok: false,
      error: { type: 'decision-completed', decisionId: id, where: 'items 1 and 2 of this batch' },
    });
  });

  it('given no such decision, when an outcome names it, then it is refused as unknown', () => {
    const state = given(baselineRegistered());
    expect(whenRecorded(state, [{ decisionId: '01HZZZZZZZZZZZZZZZZZZZZZZZ', outcome }])).toEqual({ ok: false, error: { type: 'decision-unknown', decisionId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' } });
  });

  it('given a logged decision, when a whole trajectory names it but says something else, then it is refused naming every difference', () => {
    const { answers, events } = whenRouted(given(baselineRegistered()));
    const state = given(baselineRegistered(), ...events);
    const { propensity: _dropped, ...answer } = answers[0]!;
    const other = answer.route === 'tool' ? 'memory' : 'tool';
    const result = whenRecorded(state, [{ task: { input: 'something else' }, candidates: request.candidates, decision: { ...answer, route: other }, outcome }]);
    expect(result.ok).toBe(false);
    if (result.ok || result.error.type !== 'decision-mismatch') throw new Error('expected a mismatch');
    expect(result.error).toMatchObject({ decisionId: answer.decisionId, item: 1 });
    expect(result.error.differences).toEqual([
      `decision.route is "${other}", logged "${answers[0]!.route}"`,
      `decision.propensity is absent, logged ${answers[0]!.propensity}`,
      'task.input is "something else", logged "text my mom that i am late"',
      'task.metadata is absent, logged {"channel":"sms"}',
    ]);
  });

  it('given no logged decision, when an imported trajectory comes without a decision id, then it is recorded as it was given', () => {
    const state = given(baselineRegistered());
    const [event] = recorded(state, [{ id: '01HZZZZZZZZZZZZZZZZZZZZZZZ', task: { input: 'x' }, candidates: request.candidates, decision: { route: 'tool', selected: ['sms.send'] }, outcome }]);
    expect(event).toMatchObject({ data: { trajectory: { source: 'import', decision: { route: 'tool', selected: ['sms.send'] } } } });
  });
});
