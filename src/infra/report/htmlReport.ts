import type { AuditReport, SeriesPoint, TimelineEntry } from '../../domain/auditReport.js';
import { ROUTES } from '../../domain/vocabulary.js';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type Scale = (value: number) => number;

function axes(width: number, height: number, pad: number, yTicks: number[], y: Scale): string {
  const lines = yTicks
    .map((t) => `<line x1="${pad}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" class="grid"/><text x="${pad - 6}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`)
    .join('');
  return `${lines}<line x1="${pad}" x2="${pad}" y1="10" y2="${height - 30}" class="axis"/><line x1="${pad}" x2="${width - 10}" y1="${height - 30}" y2="${height - 30}" class="axis"/>`;
}

/** Reward per version over the log: live decisions as lines, benchmark evaluations as dots. */
function rewardChart(report: AuditReport): string {
  const width = 860;
  const height = 320;
  const pad = 44;
  const maxSeq = Math.max(1, report.head.seq);
  const x: Scale = (seq) => pad + ((width - pad - 20) * seq) / maxSeq;
  const y: Scale = (v) => 10 + (height - 40) * (1 - Math.max(0, Math.min(1, v)));
  const color = new Map(report.versions.map((v, i) => [v.id, PALETTE[i % PALETTE.length]!]));
  const series = (points: readonly SeriesPoint[]) => points.map((p) => `${x(p.seq).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const lines = Object.entries(report.live)
    .map(([id, points]) => `<polyline class="live" data-version="${escape(id)}" fill="none" stroke="${color.get(id) ?? '#000'}" stroke-width="2" points="${series(points)}"/>`)
    .join('');
  const dots = Object.entries(report.benchmark)
    .flatMap(([id, points]) => points.map((p) => `<circle class="bench" cx="${x(p.seq).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="5" fill="${color.get(id) ?? '#000'}"><title>${escape(label(report, id))}: benchmark ${p.value.toFixed(3)} at seq ${p.seq}</title></circle>`))
    .join('');
  const legend = report.versions
    .map((v, i) => `<g transform="translate(${pad + 10 + i * 120},${height - 8})"><rect width="12" height="12" y="-10" fill="${color.get(v.id)}"/><text x="16">${escape(v.label)} ${escape(v.kind)}</text></g>`)
    .join('');
  return `<svg id="reward-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Reward per router version over the log">${axes(width, height, pad, [0, 0.25, 0.5, 0.75, 1], y)}${lines}${dots}${legend}<text x="${width - 12}" y="${height - 34}" text-anchor="end">seq</text></svg>`;
}

function label(report: AuditReport, id: string): string {
  return report.versions.find((v) => v.id === id)?.label ?? id.slice(-8);
}

/** Mean reward per task category, the active version beside its predecessor. */
function categoryChart(report: AuditReport): string {
  const { active, predecessor } = report.categories;
  if (!active) return '<p>No benchmark evaluation of the active version yet: run <code>memabra cycle</code>.</p>';
  const width = 860;
  const height = 280;
  const pad = 44;
  const groups = ROUTES.filter((r) => active.byCategory[r] || predecessor?.byCategory[r]);
  const y: Scale = (v) => 10 + (height - 50) * (1 - v);
  const groupWidth = (width - pad - 20) / Math.max(1, groups.length);
  const sides = [predecessor, active].filter((s): s is NonNullable<typeof s> => s !== null);
  const bars = groups
    .flatMap((route, g) =>
      sides.map((side, s) => {
        const value = side.byCategory[route]?.meanReward ?? 0;
        const barWidth = (groupWidth - 30) / sides.length;
        const left = pad + g * groupWidth + 15 + s * barWidth;
        return `<rect class="bar" x="${left.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${PALETTE[s === sides.length - 1 ? 0 : 6]}"><title>${escape(side.label)} ${route}: ${value.toFixed(3)}</title></rect>`;
      }),
    )
    .join('');
  const names = groups.map((route, g) => `<text x="${(pad + g * groupWidth + groupWidth / 2).toFixed(1)}" y="${height - 28}" text-anchor="middle">${route}</text>`).join('');
  const legend = sides.map((side, s) => `<g transform="translate(${pad + 10 + s * 200},${height - 8})"><rect width="12" height="12" y="-10" fill="${PALETTE[s === sides.length - 1 ? 0 : 6]}"/><text x="16">${escape(side.label)}${s === sides.length - 1 ? ' (active)' : ' (before)'}</text></g>`).join('');
  return `<svg id="category-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Mean reward per category">${axes(width, height + 0, pad, [0, 0.5, 1], y)}${bars}${names}${legend}</svg>`;
}

function timeline(entries: readonly TimelineEntry[]): string {
  if (!entries.length) return '<p>Nothing has happened yet.</p>';
  return `<ol id="timeline">${entries
    .map(
      (e) =>
        `<li class="${e.kind}"><span class="when">seq ${e.seq} &middot; ${escape(e.at)}</span> <strong>${escape(e.title)}</strong>${e.details.length ? `<ul>${e.details.map((d) => `<li>${escape(d)}</li>`).join('')}</ul>` : ''}</li>`,
    )
    .join('')}</ol>`;
}

/** One self-contained page: inline CSS and SVG, no script, nothing fetched at view time. */
export function renderHtmlReport(report: AuditReport, title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:920px;color:#111827;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:2rem}svg{width:100%;height:auto;background:#fafafa;border:1px solid #e5e7eb}
svg text{font-size:12px;fill:#374151}.grid{stroke:#e5e7eb}.axis{stroke:#6b7280}
#timeline{list-style:none;padding:0}#timeline>li{border-left:4px solid #9ca3af;padding:.3rem .8rem;margin:.4rem 0;background:#f9fafb}
#timeline>li.promoted{border-color:#16a34a}#timeline>li.rejected{border-color:#dc2626}#timeline>li.rolled-back{border-color:#ea580c}
#timeline>li.failed{border-color:#7f1d1d}#timeline>li.dry-run{border-color:#2563eb}.when{color:#6b7280;font-size:.85em}
#timeline ul{margin:.3rem 0 0 1rem;padding:0;font-size:.85em;color:#374151}
</style></head><body>
<h1>${escape(title)}</h1>
<p>Log head: seq ${report.head.seq}${report.head.at ? `, ${escape(report.head.at)}` : ''}; ${report.versions.length} router versions.</p>
<h2>Reward per router version</h2>
<p>Lines: mean reward of the decisions each version made live (per bucket of trajectories). Dots: benchmark mean reward when a cycle evaluated it.</p>
${rewardChart(report)}
<h2>Mean reward per category: active version and its predecessor</h2>
${categoryChart(report)}
<h2>Timeline: cycles, promotions, rejections, rollbacks</h2>
${timeline(report.timeline)}
</body></html>
`;
}
