import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdScanner } from '../../../src/infra/mcp/messageId.js';

/** Feeds the text to a scanner in the given chunk sizes, as a pipe would deliver it. */
function scan(text: string, cuts: readonly number[]): ReturnType<ReturnType<typeof createIdScanner>['id']> {
  const bytes = Buffer.from(text, 'utf8');
  const scanner = createIdScanner();
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(bytes.length, Math.floor(cut * bytes.length));
    scanner.feed(bytes.subarray(at, end));
    at = Math.max(at, end);
  }
  scanner.feed(bytes.subarray(at));
  return scanner.id();
}

const ids = fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.constantFrom('', 'id', '"}', '\\', 'a,b}'));
/** Params that themselves hold "id" keys, strings with braces, quotes and escapes, and non-ASCII text. */
const params = fc.oneof(
  fc.jsonValue(),
  fc.record({ id: fc.jsonValue(), nested: fc.record({ id: fc.integer(), text: fc.constantFrom('{"id": 3}', '\\"', '}]', 'héllo ✓') }) }),
);
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

describe('the id of a JSON-RPC message read in chunks', () => {
  it('is found wherever the top-level "id" stands and however the bytes are cut, never from inside the params', () => {
    fc.assert(
      fc.property(ids, params, fc.integer({ min: 0, max: 3 }), cuts, fc.boolean(), (id, p, position, cutAt, spaced) => {
        const entries: [string, unknown][] = [
          ['jsonrpc', '2.0'],
          ['method', 'tools/call'],
          ['params', p],
        ];
        entries.splice(position, 0, ['id', id]);
        const text = JSON.stringify(Object.fromEntries(entries), null, spaced ? 2 : undefined);
        expect(scan(text, cutAt)).toBe(id);
      }),
    );
  });

  it('is absent from a notification, a non-object, an id that is neither a string nor an integer, and a message cut short', () => {
    fc.assert(
      fc.property(params, cuts, (p, cutAt) => {
        expect(scan(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/x', params: p }), cutAt)).toBeUndefined();
      }),
    );
    for (const text of [
      '[{"id": 1}]',
      '"id"',
      '{"id": 1.5}',
      '{"id": null}',
      '{"id": {"id": 2}}',
      '{"params": "x',
      '{"params": {"id": 9}',
      '{"idx": 1}',
      '{"\\u0069d": 1}',
    ]) {
      expect(scan(text, []), text).toBeUndefined();
    }
    expect(scan('{"params": {"deep": [1, {"id": 9}]}, "id": "after"}', [0.3, 0.6])).toBe('after');
  });
});
