import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initLog, parseTrajectories, recordTrajectories, rollbackTo, validateTrajectories } from '../../../src/infra/app/operations.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import type { Session } from '../../../src/infra/app/session.js';
import type { RecordInput } from '../../../src/events/model/vocabulary.js';
import type { AppendOptions } from '../../../src/infra/store/eventStore.js';
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

describe('record through the application layer', () => {
  it('an invalid trajectory anywhere in a batch leaves the log byte-for-byte unchanged', async () => {
    const dir = tempDir();
    const session = testSession(dir);
    await initLog(session);
    await recordTrajectories(session, [trajectoryInput()]);
    const before = readFileSync(join(dir, LOG_FILE));
    await fc.assert(
      fc.asyncProperty(fc.nat(20), fc.nat(), fc.constantFrom(...invalidItems), async (size, at, bad) => {
        const items: unknown[] = Array.from({ length: size }, (_, i) => trajectoryInput({ task: { input: `ok ${i}` } }));
        items.splice(at % (size + 1), 0, bad);
        const text = items.map((item) => JSON.stringify(item)).join('\n');
        let thrown: unknown;
        try {
          await recordTrajectories(session, parseTrajectories(text));
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

  it("skips the store's second validation only for trajectories decided from parsed input and stamped with valid ids and times", async () => {
    const appended: AppendOptions[] = [];
    const watched = (session: Session): Session => ({
      ...session,
      store: { ...session.store, append: (events, options) => (appended.push(options), session.store.append(events, options)) },
    });
    const dir = tempDir();
    const session = watched(testSession(dir));
    await initLog(session);
    const lastValidated = () => appended.at(-1)!.validated ?? false;

    await recordTrajectories(session, parseTrajectories(JSON.stringify(trajectoryInput())));
    expect(lastValidated()).toBe(true);
    await recordTrajectories(session, validateTrajectories([trajectoryInput({ task: { input: 'set a timer' } })]));
    expect(lastValidated()).toBe(true);

    // Not from the parse functions: the store validates, and refuses what its schema refuses.
    const unparsed = [{ ...trajectoryInput(), outcome: { reward: -0.1, latencyMs: 1 } }] as RecordInput[];
    await expect(recordTrajectories(session, unparsed)).rejects.toThrow(
      /event 1 of the batch is invalid \(TrajectoryRecorded data: field "trajectory\.outcome\.reward"/,
    );
    expect(lastValidated()).toBe(false);

    // Parsed, but stamped by an environment that hands out ids that are not ULIDs: validated, refused.
    const odd = watched({ ...testSession(dir), env: { ...testSession(dir).env, newId: () => 'not-a-ulid' } });
    await expect(recordTrajectories(odd, parseTrajectories(JSON.stringify(trajectoryInput({ task: { input: 'odd' } }))))).rejects.toThrow(
      /event 1 of the batch is invalid \(TrajectoryRecorded data: field "trajectory\.id"/,
    );
    expect(lastValidated()).toBe(false);
    const state = await loadState(session.store);
    expect(state.trajectories.count).toBe(2);
    expect(await session.store.verify()).toMatchObject({ ok: true });
  });

  it('records, rolls back and reports through one session, as the library does', async () => {
    const session = testSession();
    const { version } = await initLog(session);
    const { ids } = await recordTrajectories(session, [trajectoryInput(), trajectoryInput({ task: { input: 'set a timer' } })]);
    expect(ids).toHaveLength(2);
    await expect(rollbackTo(session, version.label, null)).rejects.toThrow(/already active/);
    const state = await loadState(session.store);
    expect(state.trajectories.count).toBe(2);
    expect(state.active?.versionId).toBe(version.id);
  });
});
