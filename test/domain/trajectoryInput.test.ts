import { describe, expect, it } from 'vitest';
import { parseItems } from '../../src/domain/trajectoryInput.js';
import { TrajectoryInputSchema } from '../../src/events/model/vocabulary.js';
import { trajectoryInput } from '../support/fixtures.js';

const parse = (text: string) => parseItems(text, TrajectoryInputSchema, 'trajectory');
const message = (text: string) => {
  const result = parse(text);
  return result.ok ? 'accepted' : result.error.type === 'invalid-input' ? result.error.message : result.error.type;
};
const line = (overrides: object) => JSON.stringify({ ...trajectoryInput(), ...overrides });

describe('trajectory input', () => {
  it('accepts one object, an array, or JSON Lines', () => {
    const one = JSON.stringify(trajectoryInput());
    expect(parse(one)).toMatchObject({ ok: true, value: [expect.anything()] });
    expect(parse(`[${one},${one}]`)).toMatchObject({ ok: true, value: [expect.anything(), expect.anything()] });
    expect(parse(`${one}\n\n${one}\n`)).toMatchObject({ ok: true, value: [expect.anything(), expect.anything()] });
  });

  it.each([
    ['an unknown field, named with its path', line({ task: { input: 'x', colour: 'red' } }), 'line 1: unknown field "task.colour"'],
    ['a reward outside [0, 1]', line({ outcome: { reward: 1.5, latencyMs: 1 } }), 'line 1: field "outcome.reward": must be in [0, 1]'],
    ['a negative latency', line({ outcome: { reward: 1, latencyMs: -1 } }), 'line 1: field "outcome.latencyMs": must be >= 0'],
    ['a route outside the list', line({ decision: { route: 'web', selected: [] } }), 'line 1: field "decision.route"'],
    ['a kind outside the list', line({ candidates: [{ id: 'a', kind: 'agent', name: 'x' }] }), 'line 1: field "candidates.0.kind"'],
    ['a propensity of 0', line({ decision: { route: 'tool', selected: [], propensity: 0 } }), 'line 1: field "decision.propensity": must be in (0, 1]'],
    ['a missing outcome', JSON.stringify({ ...trajectoryInput(), outcome: undefined }), 'line 1: missing field "outcome"'],
    ['a __proto__ key', line({}).replace('{', '{"__proto__":{"x":1},'), 'line 1: unknown field "__proto__"'],
    ['an empty input', '  \n', 'no trajectory given: the input is empty'],
    ['a line that is not an object', `${line({})}\n5\n`, 'line 2: expected object, received number'],
  ])('rejects %s with a message naming it', (_, text, expected) => {
    expect(message(text)).toContain(expected);
  });

  it('carries metadata verbatim, "__proto__" keys included, and refuses metadata that is not an object', () => {
    const metadata = '{"b":1,"__proto__":{"x":2},"nested":{"z":0,"__proto__":[1]}}';
    const result = parse(line({}).replace('"task":{', `"task":{"metadata":${metadata},`));
    expect(result.ok && JSON.stringify(result.value[0]!.task.metadata)).toBe(JSON.stringify(JSON.parse(metadata)));
    expect(message(line({ task: { input: 'x', metadata: [1] } }))).toContain('line 1: field "task.metadata": must be an object');
  });

  it('names the line of the first bad item in JSON Lines', () => {
    const good = line({});
    expect(message(`${good}\n${good}\n{"task": oops}\n`)).toMatch(/^line 3: not valid JSON/);
    expect(message(`${good}\n\n${line({ outcome: { reward: 2, latencyMs: 0 } })}`)).toMatch(/^line 3: field "outcome.reward"/);
  });
});
