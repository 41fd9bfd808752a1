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
      // In sight: what decided it. The gates that failed; for a promotion, the reward gain it was promoted on.
      const shown =
        e.kind === 'failed' ? e.details : e.details.filter((d) => d.startsWith('FAIL') || (e.kind === 'promoted' && d.startsWith('pass reward-delta')));
      const all =
        e.details.length > shown.length
          ? `<details><summary>all ${e.details.length} gates</summary><ul>${e.details.map((d) => `<li>${escapeXml(d)}</li>`).join('')}</ul></details>`
          : '';
      return `<li class="${e.kind}"><span class="when">seq ${e.seq} &middot; ${escapeXml(e.at)}</span> <strong>${escapeXml(e.title)}</strong>${shown.length ? `<ul>${shown.map((d) => `<li>${escapeXml(d)}</li>`).join('')}</ul>` : ''}${all}</li>`;
    })
    .join('')}</ol>`;
}
