import type { AuditReport, CategorySide } from '../../domain/auditReport.js';
import { ROUTES, type Route } from '../../events/model/vocabulary.js';
import type { CategoryMetrics } from '../../events/model/metrics.js';
import { bottomAxis, verticalGrid } from './chartAxes.js';
import { CHART_WIDTH } from './chartLayout.js';
import { fittedScale } from './chartScale.js';
import { CHALLENGER_GREY, STATUS_COLOURS } from './palette.js';
import { escapeXml, formatValue, px, signed, svgText, thousands } from './svgMarkup.js';
import type { VersionColours } from './rewardChart.js';

const LEFT = 118;
const RIGHT = 580;
const TOP = 56;
const ROW = 40;
/** Where the numbers of each row are written, so none has to be read off the axis. */
const COLUMNS = { reward: 612, change: 736, errors: 808, tasks: CHART_WIDTH - 16 };

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The numbers written beside a category's marks: the rewards, the change, the error rates, the task count. */
function rowNumbers(y: number, now: CategoryMetrics | undefined, before: CategoryMetrics | undefined): string {
  const delta = now && before ? now.meanReward - before.meanReward : null;
  return [
    svgText(
      COLUMNS.reward,
      y,
      before && now ? `${formatValue(before.meanReward, 3)} → ${formatValue(now.meanReward, 3)}` : formatValue((now ?? before)!.meanReward, 3),
      { baseline: 'middle', className: 'value' },
    ),
    delta === null
      ? ''
      : svgText(COLUMNS.change, y, signed(delta, 3), {
          baseline: 'middle',
          className: 'value',
          fill: delta > 0 ? STATUS_COLOURS.promoted : delta < 0 ? STATUS_COLOURS.rejected : '#374151',
        }),
    svgText(COLUMNS.errors, y, before && now ? `${percent(before.errorRate)} → ${percent(now.errorRate)}` : percent((now ?? before)!.errorRate), {
      baseline: 'middle',
      className: 'value',
    }),
    svgText(COLUMNS.tasks, y, thousands((now ?? before)!.taskCount), { anchor: 'end', baseline: 'middle', className: 'value' }),
  ].join('');
}

/**
 * Mean reward per task category as a dot plot, the active version beside its predecessor: two marks a
 * row, one above the other so equal values never hide one another, and the numbers written beside them.
 * Dots, not bars: the axis is fitted to the values, and a bar's length would then mean nothing.
 */
export function categoryChart(report: AuditReport, colours: VersionColours): string {
  const { active, predecessor } = report.categories;
  if (!active) return '<p class="empty">No benchmark evaluation of the active version yet: run <code>memabra cycle</code>.</p>';
  const colourOf = (side: CategorySide) => colours.get(report.versions.find((v) => v.label === side.label)?.id ?? '') ?? CHALLENGER_GREY;
  const routes = ROUTES.filter((r) => active.byCategory[r] || predecessor?.byCategory[r]);
  const values = routes.flatMap((r) => [active.byCategory[r]?.meanReward, predecessor?.byCategory[r]?.meanReward]).filter((v): v is number => v !== undefined);
  const bottom = TOP + routes.length * ROW;
  const area = { left: LEFT, right: RIGHT, top: TOP, bottom };
  const x = fittedScale(values, [LEFT, RIGHT], { bounds: [0, 1], minSpan: 0.05 });
  const sides = [predecessor && { side: predecessor, role: 'before', dy: -6 }, { side: active, role: 'active', dy: 6 }].filter((s) => s !== null);
  const rows = routes
    .map((route: Route, i) => {
      const y = TOP + i * ROW + ROW / 2;
      const marks = sides
        .map(({ side, role, dy }) => {
          const metrics = side.byCategory[route];
          if (!metrics) return '';
          const colour = colourOf(side);
          const shape = role === 'active' ? `fill="${colour}"` : `fill="#fff" stroke="${colour}" stroke-width="2"`;
          return `<circle class="category-mark ${role}" data-version="${escapeXml(side.label)}" cx="${px(x.at(metrics.meanReward))}" cy="${px(y + dy)}" r="5.5" ${shape}><title>${escapeXml(`${side.label} ${route}: mean reward ${formatValue(metrics.meanReward, 3)}, errors ${percent(metrics.errorRate)}, ${metrics.taskCount} tasks`)}</title></circle>`;
        })
        .join('');
      const now = active.byCategory[route];
      const before = predecessor?.byCategory[route];
      const link =
        now && before
          ? `<line class="category-link" x1="${px(x.at(before.meanReward))}" x2="${px(x.at(now.meanReward))}" y1="${px(y - 6)}" y2="${px(y + 6)}"/>`
          : '';
      const numbers = rowNumbers(y, now, before);
      return `<g class="category" data-category="${route}"><line class="row-rule" x1="${LEFT}" x2="${CHART_WIDTH - 16}" y1="${px(y + ROW / 2)}" y2="${px(y + ROW / 2)}"/>${svgText(LEFT - 12, y, route, { anchor: 'end', baseline: 'middle', className: 'category-name' })}${link}${marks}${numbers}</g>`;
    })
    .join('');
  const header = [
    svgText(COLUMNS.reward, TOP - 10, 'mean reward', { className: 'column-title' }),
    predecessor ? svgText(COLUMNS.change, TOP - 10, 'change', { className: 'column-title' }) : '',
    svgText(COLUMNS.errors, TOP - 10, 'error rate', { className: 'column-title' }),
    svgText(COLUMNS.tasks, TOP - 10, 'tasks', { anchor: 'end', className: 'column-title' }),
  ].join('');
  const key = sides
    .map(({ side, role }, i) => {
      const colour = colourOf(side);
      const shape = role === 'active' ? `fill="${colour}"` : `fill="#fff" stroke="${colour}" stroke-width="2"`;
      return `<g transform="translate(${LEFT + i * 190},${TOP - 34})"><circle cx="0" cy="0" r="5.5" ${shape}/>${svgText(12, 0, `${side.label} (${role === 'active' ? 'active' : 'before it'})`, { baseline: 'middle' })}</g>`;
    })
    .join('');
  return `<svg id="category-chart" viewBox="0 0 ${CHART_WIDTH} ${bottom + 48}" role="img" aria-label="Mean reward per category">${key}${header}${verticalGrid(x, area)}${rows}${bottomAxis(x, area, 'benchmark mean reward of the category')}</svg>`;
}
