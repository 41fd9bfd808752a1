import type { LinearScale } from './chartScale.js';
import { px, svgText } from './svgMarkup.js';

export type PlotArea = { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number };

/** The value axis on the left: a line, a tick and a label at each tick, a light grid across the plot, a title. */
export function leftAxis(scale: LinearScale, area: PlotArea, title: string, format = (v: number) => v.toFixed(scale.decimals)): string {
  const ticks = scale.ticks
    .map((t) => {
      const y = px(scale.at(t));
      return `<line class="grid" x1="${px(area.left)}" x2="${px(area.right)}" y1="${y}" y2="${y}"/><line class="tick" x1="${px(area.left - 5)}" x2="${px(area.left)}" y1="${y}" y2="${y}"/>${svgText(area.left - 8, scale.at(t), format(t), { anchor: 'end', baseline: 'middle', className: 'tick-label' })}`;
    })
    .join('');
  const middle = (area.top + area.bottom) / 2;
  return `<g class="axis y-axis">${ticks}<line class="axis-line" x1="${px(area.left)}" x2="${px(area.left)}" y1="${px(area.top)}" y2="${px(area.bottom)}"/>${svgText(area.left - 54, middle, title, { anchor: 'middle', rotate: -90, className: 'axis-title' })}</g>`;
}

/** The axis along the bottom: a line, ticks with labels, and a title under them. */
export function bottomAxis(scale: LinearScale, area: PlotArea, title: string, format = (v: number) => v.toFixed(scale.decimals)): string {
  const ticks = scale.ticks
    .map((t) => {
      const x = px(scale.at(t));
      return `<line class="tick" x1="${x}" x2="${x}" y1="${px(area.bottom)}" y2="${px(area.bottom + 5)}"/>${svgText(scale.at(t), area.bottom + 18, format(t), { anchor: 'middle', className: 'tick-label' })}`;
    })
    .join('');
  return `<g class="axis x-axis">${ticks}<line class="axis-line" x1="${px(area.left)}" x2="${px(area.right)}" y1="${px(area.bottom)}" y2="${px(area.bottom)}"/>${svgText((area.left + area.right) / 2, area.bottom + 36, title, { anchor: 'middle', className: 'axis-title' })}</g>`;
}

/** Vertical grid lines at the ticks of an x scale, behind a panel that has no x axis of its own. */
export function verticalGrid(scale: LinearScale, area: PlotArea): string {
  return scale.ticks.map((t) => `<line class="grid" x1="${px(scale.at(t))}" x2="${px(scale.at(t))}" y1="${px(area.top)}" y2="${px(area.bottom)}"/>`).join('');
}
