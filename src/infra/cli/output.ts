import { describeSystemError, MemabraError } from '../errors.js';

/**
 * Writes a result to stdout. A failure to write (a full disk, a closed pipe) is an `io` error with one line;
 * it may come after the command's events were committed, which the CLI's last message then says.
 */
export function writeOut(text: string): void {
  try {
    process.stdout.write(text);
  } catch (error) {
    throw outputFailure(error);
  }
}

/** The error for stdout failing to take a result (thrown by a write, or emitted later by the stream). */
export function outputFailure(error: unknown): MemabraError {
  return new MemabraError('io', `could not write to standard output: ${describeSystemError(error)?.replace(/^cannot \w+: /, '') ?? String(error)}`);
}

/** stdout is for results (JSON with --json), stderr for diagnostics. */
export function printJson(value: unknown): void {
  writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Characters a terminal acts on instead of showing (C0 and C1 controls such as ESC and CR, DEL) and those
 * that reorder or hide text (bidirectional overrides, line separators). Stored text goes through human
 * output verbatim otherwise, so a request could clear the operator's screen or forge a table row.
 */
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const TERMINAL_CONTROLS_AND_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (char: string): string => {
  const code = char.charCodeAt(0);
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** Text for a terminal: every control character shown as an escape (`\x1b`, `\r`), newlines too unless kept. */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? TERMINAL_CONTROLS : TERMINAL_CONTROLS_AND_NEWLINE, visible);
}

/** A line (or lines) of human output; `--json` output goes through printJson, exact. */
export function printLine(text = ''): void {
  writeOut(`${escapeControls(text, true)}\n`);
}

/** A diagnostic that cannot be written (stderr on a full disk) has nowhere left to go: the exit code says it. */
export function printDiagnostic(text: string): void {
  try {
    process.stderr.write(`${escapeControls(text, true)}\n`);
  } catch {
    // Nothing else can be told; the exit code still is.
  }
}

/** A plain aligned table; numbers right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  // A cell is one line: a newline in stored text would otherwise forge a row.
  const cells = rows.map((row) => row.map((cell) => (cell === null ? '-' : escapeControls(String(cell)))));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const numeric = headers.map((_, i) => rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const format = (row: readonly string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(headers), format(widths.map((w) => '-'.repeat(w))), ...cells.map(format)].join('\n');
}

export function formatReward(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(3);
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(1)}%`;
}

export { counted } from '../../domain/plural.js';
