import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../../src/infra/app/commandHandler.js';
import { commands } from '../../../src/infra/app/commands.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { parseTrajectories, validateTrajectories } from '../../../src/infra/app/parsedInput.js';
import type { Session } from '../../../src/infra/app/session.js';
import type { RecordInput } from '../../../src/events/model/vocabulary.js';
import type { AppendOptions } from '../../../src/infra/store/eventStore.js';
import { tempDir, testSession, trajectoryInput } from '../../support/fixtures.js';

describe('record input parsed at the edge', () => {
  it("skips the store's second validation only for trajectories decided from parsed input and stamped with valid ids and times", async () => {
    const appended: AppendOptions[] = [];
    const watched = (session: Session): Session => ({
      ...session,
      store: { ...session.store, append: (events, options) => (appended.push(options), session.store.append(events, options)) },
    });
    const dir = tempDir();
    const session = watched(testSession(dir));
    await handleCommand(session, commands.init, {});
    const lastValidated = () => appended.at(-1)!.validated ?? false;

    await handleCommand(session, commands.record, parseTrajectories(JSON.stringify(trajectoryInput())));
    expect(lastValidated()).toBe(true);
    await handleCommand(session, commands.record, validateTrajectories([trajectoryInput({ task: { input: 'set a timer' } })]));
    expect(lastValidated()).toBe(true);

    // Not from the parse functions: the store validates, and refuses what its schema refuses.
    const unparsed = [{ ...trajectoryInput(), outcome: { reward: -0.1, latencyMs: 1 } }] as RecordInput[];
    await expect(handleCommand(session, commands.record, unparsed)).rejects.toThrow(
      /event 1 of the batch is invalid \(TrajectoryRecorded data: field "trajectory\.outcome\.reward"/,
    );
    expect(lastValidated()).toBe(false);

    // Parsed, but stamped by an environment that hands out ids that are not ULIDs: validated, refused.
    const odd = watched({ ...testSession(dir), env: { ...testSession(dir).env, newId: () => 'not-a-ulid' } });
    await expect(handleCommand(odd, commands.record, parseTrajectories(JSON.stringify(trajectoryInput({ task: { input: 'odd' } }))))).rejects.toThrow(
      /event 1 of the batch is invalid \(TrajectoryRecorded data: field "trajectory\.id"/,
    );
    expect(lastValidated()).toBe(false);
    const state = await loadState(session.store);
    expect(state.trajectories.count).toBe(2);
    expect(await session.store.verify()).toMatchObject({ ok: true });
  });
});
