import type { ActiveSpan, AuditReport, ChallengerPoint, LivePoint } from '../../domain/auditReport.js';
import { bottomAxis, leftAxis, verticalGrid, type PlotArea } from './chartAxes.js';
import { CHART_WIDTH, PLOT_LEFT, PLOT_RIGHT, seqAxisTitle, seqScale } from './chartLayout.js';
import { fittedScale, type LinearScale } from './chartScale.js';
import { packLabels } from './labelRows.js';
import { CHALLENGER_GREY, STATUS_COLOURS } from './palette.js';
import { spreadPositions } from './spread.js';
import { escapeXml, formatValue, labelWidth, px, svgText, thousands } from './svgMarkup.js';

/** Rewards closer than this are drawn close: the gates themselves ask for about 0.01. */
const MIN_SPAN = 0.04;
/** Centre to centre, wider than a marker and its vertical 10px label's line box in any font (a fallback font's is up to 14px). */
const MARKER_GAP = 15;
/** Height of one row of labels above a panel: taller than a 12px label's line box in any font (up to 1.4 em). */
const ROW = 18;
const BENCH_HEIGHT = 300;
const LIVE_HEIGHT = 150;
const LABEL_FONT = 12;
const MAX_RUN_LABEL_ROWS = 3;

export type VersionColours = ReadonlyMap<string, string>;

type Label = { readonly text: string; readonly seq: number; readonly colour: string; readonly className: string; readonly version: string };
/** A promotion or rollback, drawn from its label above the panels down through both. */
type ChangeRule = { readonly x: number; readonly top: number; readonly via: 'promoted' | 'rolled-back' };
type PlacedRows = { readonly rows: number; readonly svg: string; readonly rowOf: readonly number[] };

/** Labels in rows above a panel, each starting at the seq it names; rows stack upwards from `baseline`. */
function labelBand(labels: readonly Label[], x: LinearScale, baseline: number): PlacedRows {
  const widths = labels.map((l) => labelWidth(l.text, LABEL_FONT));
  const placed = packLabels(
    labels.map((l, i) => ({ x: x.at(l.seq) + 3, width: widths[i]! })),
    [PLOT_LEFT, PLOT_RIGHT],
    10,
  );
  const svg = labels
    .map((l, i) => svgText(placed[i]!.x, baseline - placed[i]!.row * ROW, l.text, { className: l.className, fill: l.colour, width: widths[i]! }))
    .join('');
  return { rows: Math.max(1, ...placed.map((p) => p.row + 1)), svg, rowOf: placed.map((p) => p.row) };
}

/**
 * A challenger's mark: filled in its own colour when promoted; otherwise hollow, in the colour of the
 * version it was trained from (its lineage), so the challengers of each active version read as a group.
 */
export function challengerMark(outcome: ChallengerPoint['outcome'], x: number, y: number, own: string, lineage: string): string {
  switch (outcome) {
    case 'promoted':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="5.5" fill="${own}" stroke="#fff" stroke-width="1.5"/>`;
    case 'rejected':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="4.5" fill="#fff" stroke="${lineage}" stroke-width="1.6"/>`;
    case 'dry-run':
      return `<path d="M${px(x)} ${px(y - 5.5)}l5.5 5.5-5.5 5.5-5.5-5.5z" fill="#fff" stroke="${lineage}" stroke-width="1.6"/>`;
    case 'undecided':
      return `<rect x="${px(x - 4)}" y="${px(y - 4)}" width="8" height="8" fill="#fff" stroke="${lineage}" stroke-width="1.6"/>`;
    default:
      return outcome satisfies never;
  }
}

const activeAt = (spans: readonly ActiveSpan[], seq: number) => spans.findLast((s) => s.fromSeq <= seq) ?? null;

/** Markers for the challengers, spread so none covers another, each named by a vertical label on the side away from the active line. */
function challengerMarks(report: AuditReport, x: LinearScale, y: LinearScale, area: PlotArea, colours: VersionColours, fmt: (v: number) => string): string {
  const xs = spreadPositions(
    report.challengers.map((c) => x.at(c.seq)),
    MARKER_GAP,
    [area.left + 6, area.right - 6],
  );
  const parentOf = new Map(report.versions.map((v) => [v.id, v.parentId]));
  return report.challengers
    .map((c, i) => {
      const cx = xs[i]!;
      const cy = y.at(c.value);
      const parent = parentOf.get(c.versionId);
      const lineage = (parent && colours.get(parent)) ?? CHALLENGER_GREY;
      const line = activeAt(report.spans, c.seq)?.benchmark;
      let above = line != null && c.value > line;
      if (above && cy < area.top + 30) above = false;
      if (!above && cy > area.bottom - 30) above = true;
      // The promoted one is named by its span's label above the panel.
      const name =
        c.outcome === 'promoted'
          ? ''
          : svgText(cx, above ? cy - 9 : cy + 9, c.label, { rotate: -90, anchor: above ? 'start' : 'end', baseline: 'middle', className: 'challenger-label' });
      return `<g class="challenger" data-version="${escapeXml(c.label)}" data-outcome="${c.outcome}"><title>${escapeXml(`${c.label}: benchmark ${fmt(c.value)}, ${c.outcome}, scored at seq ${c.seq}`)}</title>${challengerMark(c.outcome, cx, cy, colours.get(c.versionId) ?? CHALLENGER_GREY, lineage)}${name}</g>`;
    })
    .join('');
}

/** The active version's benchmark score as a step line, each challenger as a mark at the cycle that scored it. */
function benchmarkPanel(
  report: AuditReport,
  x: LinearScale,
  colours: VersionColours,
  top: number,
): { svg: string; bottom: number; rules: readonly ChangeRule[] } {
  const labelled = report.spans.filter((s) => s.benchmark !== null);
  const colourOf = (s: ActiveSpan) => colours.get(s.versionId) ?? '#111827';
  const fmt = (v: number) => formatValue(v, 3);
  const labels = labelled.map((s) => ({
    text: `${s.label} ${fmt(s.benchmark!)}${s.via === 'rolled-back' ? ' (rollback)' : ''}`,
    seq: s.fromSeq,
    colour: colourOf(s),
    className: 'span-label',
    version: s.label,
  }));
  const probe = labelBand(labels, x, 0);
  const area: PlotArea = { left: PLOT_LEFT, right: PLOT_RIGHT, top: top + probe.rows * ROW + 8, bottom: top + probe.rows * ROW + 8 + BENCH_HEIGHT };
  const band = labelBand(labels, x, area.top - 8);
  const values = [...report.challengers.map((c) => c.value), ...labelled.map((s) => s.benchmark!)];
  const y = fittedScale(values, [area.bottom, area.top], { bounds: [0, 1], minSpan: MIN_SPAN });
  const steps = report.spans
    .map((span, i) => {
      if (span.benchmark === null) return '';
      const previous = report.spans[i - 1];
      const riser =
        previous?.benchmark != null
          ? `<line class="riser" x1="${px(x.at(span.fromSeq))}" x2="${px(x.at(span.fromSeq))}" y1="${px(y.at(previous.benchmark))}" y2="${px(y.at(span.benchmark))}"/>`
          : '';
      const x2 = Math.max(x.at(span.toSeq), x.at(span.fromSeq) + 2);
      return `${riser}<line class="span" data-version="${escapeXml(span.label)}" x1="${px(x.at(span.fromSeq))}" x2="${px(x2)}" y1="${px(y.at(span.benchmark))}" y2="${px(y.at(span.benchmark))}" stroke="${colourOf(span)}"><title>${escapeXml(`${span.label} active from seq ${span.fromSeq} to ${span.toSeq} (${span.via}), benchmark ${fmt(span.benchmark)}`)}</title></line>`;
    })
    .join('');
  // A dashed rule from each change's label down through both panels ties the label to its place.
  const rules = labelled.flatMap((s, i) => (s.via === 'registered' ? [] : [{ x: x.at(s.fromSeq), top: area.top - 8 - band.rowOf[i]! * ROW - 10, via: s.via }]));
  const empty = values.length
    ? ''
    : svgText((area.left + area.right) / 2, (area.top + area.bottom) / 2, 'no benchmark evaluation yet: run memabra cycle', {
        anchor: 'middle',
        className: 'empty',
      });
  const svg = `<g class="panel" id="benchmark-panel">${verticalGrid(x, area)}${leftAxis(y, area, 'benchmark mean reward')}${steps}${challengerMarks(report, x, y, area, colours, fmt)}${band.svg}${empty}</g>`;
  return { svg, bottom: area.bottom, rules };
}

/** Points of one version in a row with no other version's point between them: one line each. */
function runsOf(points: readonly LivePoint[]): LivePoint[][] {
  const runs: LivePoint[][] = [];
  for (const point of points) {
    const last = runs.at(-1);
    if (last && last[0]!.versionId === point.versionId) last.push(point);
    else runs.push([point]);
  }
  return runs;
}

/** The live reward of the decisions each version made while it routed, one point per bucket. */
function livePanel(report: AuditReport, x: LinearScale, colours: VersionColours, top: number): { svg: string; area: PlotArea } {
  const labelOf = new Map(report.versions.map((v) => [v.id, v.label]));
  const runs = runsOf(report.live);
  const colourOf = (run: readonly LivePoint[]) => colours.get(run[0]!.versionId) ?? CHALLENGER_GREY;
  // One label per run: the version and the mean reward of all its decisions in that run.
  const labels = runs.map((run) => {
    const count = run.reduce((n, p) => n + p.count, 0);
    const mean = run.reduce((sum, p) => sum + p.value * p.count, 0) / count;
    const version = labelOf.get(run[0]!.versionId) ?? run[0]!.versionId.slice(-8);
    return {
      text: `${version} ${formatValue(mean, 3)} (${thousands(count)})`,
      seq: report.live[0] === run[0] ? 0 : run[0]!.seq,
      colour: colourOf(run),
      className: 'run-label',
      version,
    };
  });
  // Past three rows the labels would crowd the panel; each run then sits under its labelled span above, in
  // its colour, and the table gives its numbers.
  const probe = labelBand(labels, x, 0);
  const rows = probe.rows <= MAX_RUN_LABEL_ROWS ? probe.rows : 0;
  const area: PlotArea = { left: PLOT_LEFT, right: PLOT_RIGHT, top: top + rows * ROW + 8, bottom: top + rows * ROW + 8 + LIVE_HEIGHT };
  const band = rows ? labelBand(labels, x, area.top - 8).svg : '';
  const y = fittedScale(
    report.live.map((p) => p.value),
    [area.bottom, area.top],
    { bounds: [0, 1], minSpan: MIN_SPAN * 2 },
  );
  const xs = spreadPositions(
    report.live.map((p) => x.at(p.seq)),
    7,
    [area.left + 4, area.right - 4],
  );
  const position = new Map(report.live.map((p, i) => [p, xs[i]!]));
  const lines = runs
    .map((run, r) => {
      const colour = colourOf(run);
      const points = run.map((p) => `${px(position.get(p)!)},${px(y.at(p.value))}`).join(' ');
      const dots = run
        .map(
          (p) =>
            `<circle class="live-point" cx="${px(position.get(p)!)}" cy="${px(y.at(p.value))}" r="3" fill="${colour}"><title>${escapeXml(`${labels[r]!.version}: ${formatValue(p.value, 3)} over ${p.count} decisions, to seq ${p.seq}`)}</title></circle>`,
        )
        .join('');
      return `<g class="live" data-version="${escapeXml(labels[r]!.version)}">${run.length > 1 ? `<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${points}"/>` : ''}${dots}</g>`;
    })
    .join('');
  const empty = report.live.length
    ? ''
    : svgText((area.left + area.right) / 2, (area.top + area.bottom) / 2, 'no live decisions recorded yet', { anchor: 'middle', className: 'empty' });
  return { svg: `<g class="panel" id="live-panel">${verticalGrid(x, area)}${leftAxis(y, area, 'live mean reward')}${lines}${band}${empty}</g>`, area };
}

const KEY = `<line x1="0" x2="22" y1="0" y2="0" stroke="#111827" stroke-width="3"/>${svgText(28, 0, 'active version', { baseline: 'middle' })}<circle cx="126" cy="0" r="5" fill="#111827"/>${svgText(136, 0, 'promoted challenger', { baseline: 'middle' })}<circle cx="262" cy="0" r="4.5" fill="#fff" stroke="#111827" stroke-width="1.6"/>${svgText(272, 0, 'rejected', { baseline: 'middle' })}<path d="M340 -5.5l5.5 5.5-5.5 5.5-5.5-5.5z" fill="#fff" stroke="#111827" stroke-width="1.6"/>${svgText(351, 0, 'dry run', { baseline: 'middle' })}`;

/**
 * Two panels over one seq axis: the benchmark scores (what the gates compared), then the live reward
 * (what the agent got), with every change of the active router marked through both.
 */
export function rewardChart(report: AuditReport, colours: VersionColours): string {
  const x = seqScale(report.head.seq);
  const benchTitle = `${svgText(PLOT_LEFT, 20, 'Benchmark mean reward', { className: 'panel-title' })}<g class="key" transform="translate(${PLOT_LEFT + 200},16)">${KEY}</g>`;
  const bench = benchmarkPanel(report, x, colours, 30);
  const liveTitle = svgText(
    PLOT_LEFT,
    bench.bottom + 34,
    `Live mean reward, per ${thousands(report.liveBucket)} decisions of the version that made them; labels: each run's mean (decisions)`,
    { className: 'panel-title' },
  );
  const live = livePanel(report, x, colours, bench.bottom + 44);
  const height = live.area.bottom + 48;
  return `<svg id="reward-chart" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="Reward per router version over the log">${bench.rules.map((r) => `<line class="change ${r.via}" x1="${px(r.x)}" x2="${px(r.x)}" y1="${px(r.top)}" y2="${px(live.area.bottom)}" stroke="${STATUS_COLOURS[r.via]}"/>`).join('')}${benchTitle}${bench.svg}${liveTitle}${live.svg}${bottomAxis(x, live.area, seqAxisTitle(report.head.firstAt, report.head.at), (v) => thousands(v))}</svg>`;
}
