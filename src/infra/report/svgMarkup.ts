/** The few pieces of SVG and HTML markup every chart writes, escaped once here. */

export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Pixel coordinates with one decimal: sharp enough, and the page stays small at 50 versions. */
export const px = (value: number) => (Math.round(value * 10) / 10).toString();

export type TextOptions = {
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly className?: string;
  readonly fill?: string;
  /** Degrees, about the anchor point. */
  readonly rotate?: number;
  readonly baseline?: 'middle' | 'hanging';
  /**
   * The width the layout reserved for this text: the browser fits the glyphs to it, so labels packed by
   * `labelWidth` never run into each other whatever font the reader's machine substitutes.
   */
  readonly width?: number;
};

export function svgText(x: number, y: number, content: string, options: TextOptions = {}): string {
  const attributes = [
    options.rotate ? `transform="translate(${px(x)},${px(y)}) rotate(${options.rotate})"` : `x="${px(x)}" y="${px(y)}"`,
    options.anchor && options.anchor !== 'start' ? `text-anchor="${options.anchor}"` : '',
    options.baseline ? `dominant-baseline="${options.baseline === 'middle' ? 'central' : 'hanging'}"` : '',
    options.className ? `class="${options.className}"` : '',
    options.fill ? `fill="${options.fill}"` : '',
    options.width ? `textLength="${px(options.width)}" lengthAdjust="spacingAndGlyphs"` : '',
  ].filter(Boolean);
  return `<text ${attributes.join(' ')}>${escapeXml(content)}</text>`;
}

/** Width of a label in the charts' 11px system font, near enough to keep labels apart. */
export const labelWidth = (text: string, fontPx = 11) => text.length * fontPx * 0.6;

export const formatValue = (value: number, decimals: number) => value.toFixed(decimals);

/** A change with its sign; one that rounds to zero is written without one (not "−0.000"). */
export function signed(value: number, decimals: number): string {
  const shown = Math.abs(value).toFixed(decimals);
  if (Number(shown) === 0) return shown;
  return `${value > 0 ? '+' : '−'}${shown}`;
}

export const thousands = (value: number) => value.toLocaleString('en-US');
