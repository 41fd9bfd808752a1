import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../../src/infra/app/commandHandler.js';
import { commands } from '../../../src/infra/app/commands.js';
import { parseTrajectories } from '../../../src/infra/app/parsedInput.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { MemabraError } from '../../../src/infra/errors.js';
import { LOG_FILE } from '../../../src/infra/store/jsonlEventStore.js';
import { tempDir, testSession, trajectoryInput } from '../../support/fixtures.js';

const invalidItems = [
  { ...trajectoryInput(), outcome: { reward: -0.1, latencyMs: 1 } },
  { ...trajectoryInput(), outcome: { reward: 1, latencyMs: Number.NaN } },
  { ...trajectoryInput(), decision: { route: 'nowhere', selected: [] } },
  { ...trajectoryInput(), extra: true },
  { task: { input: 'no outcome' }, candidates: [], decision: { route: 'direct', selected: [] } },
  'not an object',
];

describe('the commands, through the one handler', () => {
  it('an invalid trajectory anywhere in a batch leaves the log byte-for-byte unchanged', async () => {
    const dir = tempDir();
    const session = testSession(dir);
    await handleCommand(session, commands.init, {});
    await handleCommand(session, commands.record, [trajectoryInput()]);
    const before = readFileSync(join(dir, LOG_FILE));
    await fc.assert(
      fc.asyncProperty(fc.nat(20), fc.nat(), fc.constantFrom(...invalidItems), async (size, at, bad) => {
        const items: unknown[] = Array.from({ length: size }, (_, i) => trajectoryInput({ task: { input: `ok ${i}` } }));
        items.splice(at % (size + 1), 0, bad);
        const text = items.map((item) => JSON.stringify(item)).join('\n');
        let thrown: unknown;
        try {
          await handleCommand(session, commands.record, parseTrajectories(text));
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(MemabraError);
        expect((thrown as MemabraError).exitCode).toBe(2);
        expect(readFileSync(join(dir, LOG_FILE))).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it('records, rolls back and reports through one session, as the library does', async () => {
    const session = testSession();
    const { version } = await handleCommand(session, commands.init, {});
    const { ids } = await handleCommand(session, commands.record, [trajectoryInput(), trajectoryInput({ task: { input: 'set a timer' } })]);
    expect(ids).toHaveLength(2);
    await expect(handleCommand(session, commands.rollback, { version: version.label, reason: null })).rejects.toThrow(/already active/);
    const state = await loadState(session.store);
    expect(state.trajectories.count).toBe(2);
    expect(state.active?.versionId).toBe(version.id);
  });
});
