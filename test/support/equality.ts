import { expect } from 'vitest';
import { isIdIndex, sameIdIndex } from '../../src/projections/idIndex.js';

// A state's trajectory id index is compared by what it holds: a state loaded from a snapshot lays it out
// differently from one folded from the start, and the two must still be equal.
expect.addEqualityTesters([
  function idIndexEquality(a: unknown, b: unknown): boolean | undefined {
    if (!isIdIndex(a) || !isIdIndex(b)) return undefined;
    return sameIdIndex(a, b);
  },
]);
