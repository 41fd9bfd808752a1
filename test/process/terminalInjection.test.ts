import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir, trajectoryInput } from '../support/fixtures.js';

// Clears the screen, returns the carriage and overwrites the line, then starts a fake table row.
const HOSTILE = 'weather\u001b[2J\u001b[H\rseq 99  2026  RouterRolledBack  all clear\n77  forged row\u009b31m\u202eevil\u0007';

describe('stored text in human output', () => {
  it('is shown with its control characters escaped, in history and every table, while --json keeps it exact', () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    expect(runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify(trajectoryInput({ task: { input: HOSTILE } })) }).code).toBe(0);
    const outputs = [
      runCli(['--dir', dir, 'history']).stdout,
      runCli(['--dir', dir, 'history', '--as-of', '2']).stdout,
      runCli(['--dir', dir, 'versions']).stdout,
      runCli(['--dir', dir, 'status']).stdout,
      runCli(['--dir', dir, 'cases', 'lookup', HOSTILE]).stdout,
    ];
    for (const output of outputs) {
      // Nothing a terminal would act on: no ESC, CR, BEL, C1 CSI or bidi override reaches it.
      expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
    const history = outputs[0]!;
    expect(history).toContain('\\x1b[2J\\x1b[H\\rseq 99');
    // Every row is an event: the forged row is not a line of its own.
    expect(
      history
        .split('\n')
        .filter((line) => /^\s*\d+\s/.test(line))
        .map((line) => line.trim().split(/\s+/)[0]),
    ).toEqual(['1', '2']);
    expect(outputs[4]).toContain('weather\\x1b[2J\\x1b[H\\rseq 99');

    const json = JSON.parse(runCli(['--dir', dir, 'history', '--json']).stdout) as { events: { description: string }[] };
    expect(json.events.some((event) => event.description.includes(HOSTILE.slice(0, 30)))).toBe(true);
  });

  it('a diagnostic quoting input escapes it too', () => {
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const result = runCli(['--dir', dir, 'record', '-'], { input: JSON.stringify({ ...trajectoryInput(), ['\u001b]0;pwned\u0007']: 1 }) });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(result.stderr).toContain('\\x1b]0;pwned\\x07');
  });
});
