/** Rejected and dry-run challengers share this one muted colour: they never routed, so they need no own. */
export const CHALLENGER_GREY = '#6b7280';

/**
 * Colours of the status marks (timeline lanes, the category chart's deltas); version colours avoid them
 * so that a version is never mistaken for an outcome.
 */
export const STATUS_COLOURS = {
  promoted: '#15803d',
  rejected: '#b91c1c',
  'dry-run': '#1d4ed8',
  'rolled-back': '#c2410c',
  failed: '#7f1d1d',
  skipped: '#9ca3af',
  registered: '#374151',
} as const;

/** Well-separated hues, dark enough for text on white, none of them green, red or grey. */
const FIXED = ['#1f77b4', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#393b79', '#ad494a', '#637939'];

/**
 * One distinct colour for each of `count` versions, in order: a fixed, tested set first, then hues a
 * golden angle apart with alternating lightness, which never repeat. Versions are labelled wherever
 * they are drawn, so colour is a second cue, not the only one.
 */
export function versionColours(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    if (i < FIXED.length) return FIXED[i]!;
    const k = i - FIXED.length;
    const hue = (k * 137.508 + 20) % 360;
    return `hsl(${hue.toFixed(1)} 70% ${k % 2 === 0 ? 38 : 50}%)`;
  });
}
