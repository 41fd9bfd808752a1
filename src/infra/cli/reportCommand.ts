import { writeFileSync } from 'node:fs';
import { createAuditReportBuilder, defaultLiveBucket } from '../../domain/auditReport.js';
import { allEvents } from '../app/logEvents.js';
import { loadState } from '../app/foldedState.js';
import { MemabraError } from '../errors.js';
import { renderHtmlReport } from '../report/htmlReport.js';
import { counted, printJson, printLine } from './output.js';
import { openSession, type GlobalOptions } from './runtime.js';

export async function reportCommand(flags: GlobalOptions & { json?: boolean; html?: string; bucket?: number }): Promise<void> {
  if (!flags.html) throw new MemabraError('usage', 'report needs --html FILE');
  const session = await openSession(flags);
  const state = await loadState(session.store);
  const builder = createAuditReportBuilder(flags.bucket ?? defaultLiveBucket(state.trajectories.count));
  for await (const event of allEvents(session.store)) {
    if (event.seq > state.lastSeq) break;
    builder.add(event);
  }
  const report = builder.build(state);
  try {
    writeFileSync(flags.html, renderHtmlReport(report, `memabra audit report: ${session.store.location}`));
  } catch (error) {
    throw new MemabraError('io', `cannot write ${flags.html}: ${(error as Error).message}`);
  }
  if (flags.json) return printJson({ file: flags.html, head: report.head, versions: report.versions.length, timeline: report.timeline.length });
  printLine(
    `wrote ${flags.html}: ${counted(report.versions.length, 'version')}, ${counted(report.timeline.length, 'timeline entry', 'timeline entries')}, up to seq ${report.head.seq}`,
  );
}
