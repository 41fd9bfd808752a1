/** Business-rule refusals, as data. The CLI maps each to a one-line message and an exit code. */
export type DomainError =
  | { readonly type: 'not-initialised' }
  | { readonly type: 'already-initialised'; readonly activeVersionId: string | null }
  | { readonly type: 'version-not-found'; readonly ref: string }
  | { readonly type: 'version-ambiguous'; readonly ref: string; readonly matches: readonly string[] }
  | { readonly type: 'already-active'; readonly versionId: string; readonly label: string }
  | { readonly type: 'duplicate-trajectory'; readonly trajectoryId: string; readonly where: string }
  | { readonly type: 'invalid-input'; readonly message: string }
  | { readonly type: 'decision-unknown'; readonly decisionId: string }
  | { readonly type: 'decision-completed'; readonly decisionId: string; readonly where: string }
  | { readonly type: 'decision-mismatch'; readonly decisionId: string; readonly item: number; readonly differences: readonly string[] };

export type Decided<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DomainError };

export const decided = <T>(value: T): Decided<T> => ({ ok: true, value });
export const refused = <T = never>(error: DomainError): Decided<T> => ({ ok: false, error });

export function describeDomainError(error: DomainError): string {
  switch (error.type) {
    case 'not-initialised':
      return 'no router is registered yet: run `memabra init` first';
    case 'already-initialised':
      return `already initialised (active router ${error.activeVersionId ?? 'none'}); nothing was changed`;
    case 'version-not-found':
      return `router version "${error.ref}" does not exist (see \`memabra versions\`)`;
    case 'version-ambiguous':
      return `router version "${error.ref}" is ambiguous: it matches ${error.matches.join(', ')}`;
    case 'already-active':
      return `router version ${error.label} (${error.versionId}) is already active; nothing was changed`;
    case 'duplicate-trajectory':
      return `trajectory ${error.trajectoryId} is already recorded (${error.where}); nothing was appended`;
    case 'invalid-input':
      return error.message;
    case 'decision-unknown':
      return `no decision ${error.decisionId} was logged here (send the decisionId a \`route\` answer carries, to the same log); nothing was appended`;
    case 'decision-completed':
      return `decision ${error.decisionId} already has its outcome (${error.where}); a decision gets one; nothing was appended`;
    case 'decision-mismatch':
      return (
        `item ${error.item}: not the decision ${error.decisionId} that route logged: ${error.differences.join('; ')} ` +
        '(send the decision exactly as route returned it, or {"decisionId", "outcome"}); nothing was appended'
      );
    default:
      return error satisfies never;
  }
}
