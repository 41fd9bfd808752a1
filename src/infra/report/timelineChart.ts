import type { AuditReport, TimelineEntry, TimelineKind } from '../../domain/auditReport.js';
import { bottomAxis, verticalGrid } from './chartAxes.js';
import { CHART_WIDTH, PLOT_LEFT, PLOT_RIGHT, seqAxisTitle, seqScale } from './chartLayout.js';
import { STATUS_COLOURS } from './palette.js';
import { spreadPositions } from './spread.js';
import { escapeXml, labelWidth, px, svgText, thousands } from './svgMarkup.js';

/** Lanes top to bottom: what changed the active router first, then what did not. */
const LANES: readonly { kind: TimelineKind; name: string }[] = [
  { kind: 'promoted', name: 'promoted' },
  { kind: 'rolled-back', name: 'rolled back' },
  { kind: 'rejected', name: 'rejected' },
  { kind: 'dry-run', name: 'dry run' },
  { kind: 'failed', name: 'failed' },
  { kind: 'skipped', name: 'skipped' },
  { kind: 'registered', name: 'registered' },
];
const TOP = 34;
const LANE_HEIGHT = 46;
/** Centre to centre: a mark and its vertical label, wider than a 10px line box in any font (a fallback font's is up to 14px). */
const MIN_GAP = 15;

function symbol(kind: TimelineKind, x: number, y: number): string {
  const colour = STATUS_COLOURS[kind];
  switch (kind) {
    case 'promoted':
      return `<path d="M${px(x)} ${px(y - 6)}l6 10.4h-12z" fill="${colour}"/>`;
    case 'rolled-back':
      return `<path d="M${px(x - 6)} ${px(y)}l10.4 -6v12z" fill="${colour}"/>`;
    case 'rejected':
      return `<path d="M${px(x - 4.5)} ${px(y - 4.5)}l9 9m0 -9l-9 9" stroke="${colour}" stroke-width="2.2"/>`;
    case 'dry-run':
      return `<path d="M${px(x)} ${px(y - 5.5)}l5.5 5.5-5.5 5.5-5.5-5.5z" fill="#fff" stroke="${colour}" stroke-width="1.6"/>`;
    case 'failed':
      return `<rect x="${px(x - 5)}" y="${px(y - 5)}" width="10" height="10" fill="${colour}"/>`;
    case 'skipped':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="4.5" fill="#fff" stroke="${colour}" stroke-width="1.6"/>`;
    case 'registered':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="4.5" fill="${colour}"/>`;
    default:
      return kind satisfies never;
  }
}

const entryLabel = (entry: TimelineEntry) =>
  entry.kind === 'rolled-back' ? `to ${entry.subject}` : (entry.subject ?? (entry.kind === 'failed' ? 'failed' : 'skip'));

/**
 * Lays one lane out: labels across when they fit side by side, otherwise marks `MIN_GAP` apart with
 * vertical labels; either way every mark is spread so none covers another.
 */
function lane(entries: readonly TimelineEntry[], x: (seq: number) => number, top: number): string {
  const y = top + 14;
  const texts = entries.map(entryLabel);
  const widest = Math.max(0, ...texts.map((t) => labelWidth(t)));
  const across = entries.length * (widest + 8) <= PLOT_RIGHT - PLOT_LEFT;
  const xs = spreadPositions(
    entries.map((e) => x(e.seq)),
    across ? widest + 8 : MIN_GAP,
    [PLOT_LEFT + (across ? widest / 2 : 6), PLOT_RIGHT - (across ? widest / 2 : 6)],
  );
  return entries
    .map((entry, i) => {
      const label = across
        ? svgText(xs[i]!, y + 20, texts[i]!, { anchor: 'middle', className: 'event-label', width: labelWidth(texts[i]!, 10) })
        : svgText(xs[i]!, y + 10, texts[i]!, { rotate: -90, anchor: 'end', baseline: 'middle', className: 'event-label' });
      return `<g class="event" data-kind="${entry.kind}" data-seq="${entry.seq}"><title>${escapeXml(`seq ${entry.seq}, ${entry.at}: ${entry.title}`)}</title>${symbol(entry.kind, xs[i]!, y)}${label}</g>`;
    })
    .join('');
}

/** The timeline as lanes along the same seq axis as the reward chart, one lane per kind of event. */
export function timelineChart(report: AuditReport): string {
  const x = seqScale(report.head.seq);
  const lanes = LANES.map((l) => ({ ...l, entries: report.timeline.filter((e) => e.kind === l.kind) })).filter((l) => l.entries.length > 0);
  const bottom = TOP + lanes.length * LANE_HEIGHT;
  const area = { left: PLOT_LEFT, right: PLOT_RIGHT, top: TOP, bottom };
  const body = lanes
    .map((l, i) => {
      const top = TOP + i * LANE_HEIGHT;
      const name = svgText(PLOT_LEFT - 10, top + 14, `${l.name} (${l.entries.length})`, {
        anchor: 'end',
        baseline: 'middle',
        className: 'lane-name',
        fill: STATUS_COLOURS[l.kind],
      });
      return `<g class="lane" data-kind="${l.kind}">${i > 0 ? `<line class="lane-rule" x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${top}" y2="${top}"/>` : ''}${name}${lane(l.entries, x.at, top)}</g>`;
    })
    .join('');
  const title = svgText(PLOT_LEFT, TOP - 14, 'Cycles and changes of the active router', { className: 'panel-title' });
  return `<svg id="timeline-chart" viewBox="0 0 ${CHART_WIDTH} ${bottom + 48}" role="img" aria-label="Timeline of promotions, rejections and rollbacks">${title}${verticalGrid(x, area)}${body}${bottomAxis(x, area, seqAxisTitle(report.head.firstAt, report.head.at), (v) => thousands(v))}</svg>`;
}
