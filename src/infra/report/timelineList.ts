import type { TimelineEntry } from '../../domain/auditReport.js';
import { escapeXml } from './svgMarkup.js';

/**
 * The timeline in words, newest last: one line per entry with the gates that failed in plain sight, and
 * every gate's numbers one click away (a `details` element: no script).
 */
export function timelineList(entries: readonly TimelineEntry[]): string {
  if (!entries.length) return '<p class="empty">Nothing has happened yet.</p>';
  return `<ol id="timeline">${entries
    .map((e) => {
      const failed = e.details.filter((d) => d.startsWith('FAIL'));
      const shown = e.kind === 'failed' ? e.details : failed;
      const all = e.details.length > shown.length ? `<details><summary>all ${e.details.length} gates</summary><ul>${e.details.map((d) => `<li>${escapeXml(d)}</li>`).join('')}</ul></details>` : '';
      return `<li class="${e.kind}"><span class="when">seq ${e.seq} &middot; ${escapeXml(e.at)}</span> <strong>${escapeXml(e.title)}</strong>${shown.length ? `<ul>${shown.map((d) => `<li>${escapeXml(d)}</li>`).join('')}</ul>` : ''}${all}</li>`;
    })
    .join('')}</ol>`;
}
