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

export function printLine(text = ''): void {
  writeOut(`${text}\n`);
}

/** A diagnostic that cannot be written (stderr on a full disk) has nowhere left to go: the exit code says it. */
export function printDiagnostic(text: string): void {
  try {
    process.stderr.write(`${text}\n`);
  } catch {
    // Nothing else can be told; the exit code still is.
  }
}

/** A plain aligned table; numbers right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? '-' : String(cell))));
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
