import { describe, expect, it } from 'vitest';
import { CHALLENGER_GREY, STATUS_COLOURS, versionColours } from '../../../src/infra/report/palette.js';

describe('versionColours', () => {
  it('gives every version a colour of its own, never the challengers grey or a status colour, up to a thousand versions', () => {
    const colours = versionColours(1000);
    expect(colours).toHaveLength(1000);
    expect(new Set(colours).size).toBe(1000);
    const reserved = new Set<string>([CHALLENGER_GREY, ...Object.values(STATUS_COLOURS)]);
    expect(colours.filter((c) => reserved.has(c))).toEqual([]);
  });

  it('is a prefix of itself: adding versions never recolours the earlier ones', () => {
    expect(versionColours(60).slice(0, 12)).toEqual(versionColours(12));
  });
});
