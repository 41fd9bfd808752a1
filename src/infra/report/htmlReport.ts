import type { AuditReport } from '../../domain/auditReport.js';
import { categoryChart } from './categoryChart.js';
import { versionColours } from './palette.js';
import { rewardChart, type VersionColours } from './rewardChart.js';
import { escapeXml, thousands } from './svgMarkup.js';
import { timelineChart } from './timelineChart.js';
import { timelineList } from './timelineList.js';
import { versionTable } from './versionTable.js';

/** A colour for every version that ever routed, in the order they first did; challengers stay grey. */
function coloursOf(report: AuditReport): VersionColours {
  const routed = [...new Set(report.spans.map((s) => s.versionId))];
  const palette = versionColours(routed.length);
  return new Map(routed.map((id, i) => [id, palette[i]!]));
}

function summary(report: AuditReport): string {
  const count = (fate: string) => report.versions.filter((v) => v.fate === fate).length;
  const active = report.versions.find((v) => v.active);
  const parts = [
    `${report.versions.length} router version${report.versions.length === 1 ? '' : 's'}: ${count('promoted')} promoted, ${count('rejected')} rejected, ${count('dry-run')} from dry runs`,
    active ? `active: ${escapeXml(active.label)} (${escapeXml(active.kind)})` : 'no active router',
    `log head: seq ${thousands(report.head.seq)}${report.head.at ? `, ${escapeXml(report.head.at)}` : ''}`,
  ];
  const suites =
    report.benchmarks.length > 1
      ? `<p class="warning">The cycles scored on ${report.benchmarks.length} different benchmarks (${report.benchmarks.map(escapeXml).join('; ')}): their scores are not comparable with each other.</p>`
      : report.benchmarks.length === 1
        ? `<p>Benchmark: ${escapeXml(report.benchmarks[0]!)}.</p>`
        : '';
  return `<p>${parts.join(' &middot; ')}</p>${suites}`;
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1040px;overflow-x:auto;color:#111827;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.3rem}h2{font-size:1.15rem;margin:2.2rem 0 .4rem}p{margin:.3rem 0}
svg[role=img]{display:block;width:100%;min-width:960px;height:auto;background:#fff;border:1px solid #e5e7eb;margin-top:.5rem}
svg text{font-size:11px;fill:#374151}svg .panel-title{font-size:13px;font-weight:600;fill:#111827}
svg .axis-title,svg .column-title{font-size:12px;fill:#4b5563}svg .tick-label{font-size:11px;fill:#4b5563}
svg .grid{stroke:#eef0f3}svg .axis-line,svg .tick{stroke:#6b7280}svg .lane-rule,svg .row-rule{stroke:#f3f4f6}
svg .span{stroke-width:3}svg .riser{stroke:#9ca3af;stroke-dasharray:3 3}svg .change{stroke-width:1;stroke-dasharray:4 4;opacity:.55}
svg .span-label{font-size:12px;font-weight:600}svg .run-label{font-weight:600}svg .challenger-label{font-size:10px;fill:#6b7280}
svg .event-label{font-size:10px}svg .lane-name{font-weight:600}svg .category-name{font-size:13px;fill:#111827}
svg .category-link{stroke:#9ca3af;stroke-width:1.5}svg .value{font-size:12px;font-variant-numeric:tabular-nums;fill:#111827}
.empty{color:#6b7280}.warning{color:#b91c1c}.note{color:#4b5563;font-size:.9em}
#versions{border-collapse:collapse;width:100%;font-size:13px;margin-top:.5rem}
#versions th,#versions td{padding:2px 8px;border-bottom:1px solid #f3f4f6;text-align:left;white-space:nowrap}
#versions thead th{border-bottom:1px solid #d1d5db;font-weight:600;color:#4b5563}#versions .num{text-align:right;font-variant-numeric:tabular-nums}
#versions tr.rejected,#versions tr.dry-run{color:#6b7280}#versions tr.active{background:#f0f9ff}
.badge{font-size:11px;background:#111827;color:#fff;border-radius:3px;padding:0 4px;margin-left:4px}
#timeline{list-style:none;padding:0}#timeline>li{border-left:4px solid #9ca3af;padding:.25rem .8rem;margin:.3rem 0;background:#f9fafb}
#timeline>li.promoted{border-color:#15803d}#timeline>li.rejected{border-color:#b91c1c}#timeline>li.rolled-back{border-color:#c2410c}
#timeline>li.failed{border-color:#7f1d1d}#timeline>li.dry-run{border-color:#1d4ed8}.when{color:#6b7280;font-size:.85em}
#timeline ul{margin:.2rem 0 0 1rem;padding:0;font-size:.85em;color:#374151}#timeline details{font-size:.85em;color:#4b5563}
`;

/** One self-contained page: inline CSS and SVG, no script, nothing fetched at view time. */
export function renderHtmlReport(report: AuditReport, title: string): string {
  const colours = coloursOf(report);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeXml(title)}</h1>
${summary(report)}
<h2>Reward per router version over the log</h2>
<p class="note">Top: the benchmark score of the active version (a line in its colour while it routed) and of every challenger a cycle trained, at the cycle that scored it; a challenger that was not promoted is hollow, in the colour of the version it challenged. Bottom: the live reward of the decisions each version made. Dashed rules mark promotions (green) and rollbacks (orange). The reward axes are fitted to the scores, not to 0 to 1.</p>
${rewardChart(report, colours)}
<h2>Cycles, promotions, rejections and rollbacks</h2>
${timelineChart(report)}
<h2>Mean reward per category: the active version and the one before it</h2>
${categoryChart(report, colours)}
<h2>Every version</h2>
${versionTable(report, colours)}
<h2>Timeline</h2>
${timelineList(report.timeline)}
</body></html>
`;
}
