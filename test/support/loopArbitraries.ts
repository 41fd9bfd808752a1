import fc from 'fast-check';
import type { Candidate, CheckedRouteRequest, Outcome, RecordInput, RouteAnswer } from '../../src/events/model/vocabulary.js';
import { ROUTES } from '../../src/events/model/vocabulary.js';

/**
 * Requests as agents send them. Inputs come from a small pool, spelt with varying case and punctuation, so
 * that the same request comes back and hits the case index; candidates have distinct ids, any kinds, and
 * scores that reach 0, 1, the middle and "none" (fc.double alone is mostly tiny numbers).
 */
const inputArb = fc
  .tuple(fc.constantFrom('text my mom that i am late', "what's the weather in paris", 'set a timer', 'hi'), fc.constantFrom('', '!', '?'), fc.boolean())
  .map(([text, mark, shout]) => `${shout ? text.toUpperCase() : text}${mark}`);

const scoreArb = fc.option(
  fc.oneof(
    fc.constantFrom(0, 1, 0.35, 0.45, 0.5),
    fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
  ),
  { nil: undefined },
);

const candidateArb = (id: string): fc.Arbitrary<Candidate> =>
  fc
    .record({
      kind: fc.constantFrom('memory' as const, 'tool' as const, 'skill' as const),
      name: fc.string({ maxLength: 12 }),
      score: scoreArb,
      description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      metadata: fc.option(fc.dictionary(fc.constantFrom('source', 'k', 'n'), fc.oneof(fc.string({ maxLength: 5 }), fc.integer())), { nil: undefined }),
    })
    .map(({ score, description, metadata, ...rest }) => ({
      id,
      ...rest,
      ...(score === undefined ? {} : { score }),
      ...(description === undefined ? {} : { description }),
      ...(metadata === undefined ? {} : { metadata }),
    }));

export const routeRequestArb: fc.Arbitrary<CheckedRouteRequest> = fc
  .record({
    input: inputArb,
    ids: fc.uniqueArray(fc.constantFrom('mem-1', 'mem-2', 'tool.sms', 'tool.web', 'skill.plan', 'x'), { maxLength: 5 }),
    category: fc.option(fc.constantFrom(...ROUTES), { nil: undefined }),
    metadata: fc.option(fc.dictionary(fc.constantFrom('user', 'channel'), fc.string({ maxLength: 5 })), { nil: undefined }),
  })
  .chain(({ ids, input, category, metadata }) =>
    fc.tuple(...ids.map(candidateArb)).map((candidates) => ({
      input,
      candidates,
      ...(category === undefined ? {} : { category }),
      ...(metadata === undefined ? {} : { metadata }),
    })),
  );

export const outcomeArb: fc.Arbitrary<Outcome> = fc.record({
  reward: fc.constantFrom(0, 1, 0.5, 0.8),
  error: fc.constantFrom(null, 'timeout'),
  latencyMs: fc.integer({ min: 0, max: 5000 }),
});

/** How an agent reports back: the outcome by id, or the whole trajectory with the answer as returned. */
export type Feedback = 'by-id' | 'whole' | 'whole-with-case-memory';
export const feedbackArb: fc.Arbitrary<Feedback> = fc.constantFrom('by-id', 'whole', 'whole-with-case-memory');

/** The record item an agent sends back for `answer` to `request`. A route --no-log answer has no id: it goes whole. */
export function feedback(request: CheckedRouteRequest, answer: RouteAnswer, outcome: Outcome, how: Feedback): RecordInput {
  if (how === 'by-id' && answer.decisionId) return { decisionId: answer.decisionId, outcome };
  const { input, category, metadata } = request;
  const task = { input, ...(category === undefined ? {} : { category }), ...(metadata === undefined ? {} : { metadata }) };
  const candidates = how === 'whole-with-case-memory' && answer.caseMemory ? [...request.candidates, answer.caseMemory] : request.candidates;
  return { task, candidates, decision: answer, outcome };
}
