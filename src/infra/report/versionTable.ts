import type { AuditReport, ChallengerPoint, ReportVersion } from '../../domain/auditReport.js';
import { CHALLENGER_GREY } from './palette.js';
import { challengerMark, type VersionColours } from './rewardChart.js';
import { escapeXml, formatValue, signed, thousands } from './svgMarkup.js';

const FATE: Record<ReportVersion['fate'], string> = {
  registered: 'registered',
  promoted: 'promoted',
  rejected: 'rejected',
  'dry-run': 'dry run',
  undecided: 'no decision',
};

const OUTCOME: Record<ReportVersion['fate'], ChallengerPoint['outcome']> = {
  registered: 'promoted',
  promoted: 'promoted',
  rejected: 'rejected',
  'dry-run': 'dry-run',
  undecided: 'undecided',
};

/** The mark a version has in the reward chart, so the table is the chart's complete legend. */
function key(version: ReportVersion, colours: VersionColours): string {
  const own = colours.get(version.id);
  const lineage = (version.parentId && colours.get(version.parentId)) ?? CHALLENGER_GREY;
  const line = own ? `<line x1="1" x2="19" y1="8" y2="8" stroke="${own}" stroke-width="3"/>` : '';
  return `<svg class="key" width="20" height="16" viewBox="0 0 20 16" aria-hidden="true">${line}${challengerMark(own ? 'promoted' : OUTCOME[version.fate], 10, 8, own ?? CHALLENGER_GREY, lineage)}</svg>`;
}

/** Every version with the numbers behind its marks: nothing on the page needs hovering to be read. */
export function versionTable(report: AuditReport, colours: VersionColours): string {
  const rows = report.versions
    .map((v) => {
      const gain = v.benchmark !== null && v.parentBenchmark !== null ? signed(v.benchmark - v.parentBenchmark, 3) : '';
      return `<tr data-version="${escapeXml(v.label)}" class="${v.fate}${v.active ? ' active' : ''}"><td>${key(v, colours)}</td><th scope="row">${escapeXml(v.label)}${v.active ? ' <span class="badge">active</span>' : ''}</th><td>${escapeXml(v.kind)}</td><td>${escapeXml(v.parentLabel ?? '-')}</td><td class="num">${thousands(v.seq)}</td><td>${FATE[v.fate]}</td><td class="num">${v.benchmark === null ? '-' : formatValue(v.benchmark, 3)}</td><td class="num">${gain}</td><td class="num">${v.live ? thousands(v.live.count) : '-'}</td><td class="num">${v.live ? formatValue(v.live.meanReward, 3) : '-'}</td></tr>`;
    })
    .join('');
  return `<table id="versions"><thead><tr><th></th><th>version</th><th>kind</th><th>parent</th><th class="num">entered at seq</th><th>outcome</th><th class="num">benchmark</th><th class="num">vs parent</th><th class="num">live decisions</th><th class="num">live reward</th></tr></thead><tbody>${rows}</tbody></table>`;
}
