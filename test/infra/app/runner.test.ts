import { describe, expect, it } from 'vitest';
import { openMemabra } from '../../../src/index.js';
import { idEntries } from '../../../src/projections/idIndex.js';
import { caseOf } from '../../../src/projections/caseTable.js';
import { tempDir, testEnvironment, trajectoryInput } from '../../support/fixtures.js';

describe('the agent runner (library API)', () => {
  it('routes, runs the agent turn with the decision, records the measured trajectory, and returns the result', async () => {
    const memabra = await openMemabra({ location: tempDir(), environment: testEnvironment() });
    await memabra.init();
    const candidates = trajectoryInput().candidates;
    let seen: unknown;
    const answer = await memabra.run('text my mom that i am late', candidates, async (decision) => {
      seen = decision;
      return { result: `sent via ${decision.route}`, reward: 0.8 };
    });
    expect(answer).toBe(`sent via ${(seen as { route: string }).route}`);
    const state = await memabra.state();
    const trajectoryId = [...idEntries(state.trajectories.ids)][0]?.[0];
    expect(trajectoryId).toBeDefined();
    const status = await memabra.status();
    expect(status).toMatchObject({ trajectoryCount: 1, caseCount: 1 });
    const entry = caseOf(state.cases, 'text my mom that i am late')!;
    expect(entry).toMatchObject({ reward: 0.8, route: (seen as { route: string }).route });
  });

  it('turns a thrown error into an outcome with that error, records it, and throws it again', async () => {
    const memabra = await openMemabra({ location: tempDir(), environment: testEnvironment() });
    await memabra.init();
    await expect(
      memabra.run({ input: 'book my usual hotel' }, [], () => {
        throw new Error('booking API timed out');
      }),
    ).rejects.toThrow('booking API timed out');
    const state = await memabra.state();
    expect(caseOf(state.cases, 'book my usual hotel')).toMatchObject({ reward: 0, summary: expect.stringContaining('error: booking API timed out') });
    expect(state.liveStats.get(state.active!.versionId)).toEqual({ count: 1, rewardSum: 0, errorCount: 1, loggedCount: 1 });
  });

  it('refuses a bad reward from the agent like any bad trajectory, naming the field', async () => {
    const memabra = await openMemabra({ location: tempDir(), environment: testEnvironment() });
    await memabra.init();
    await expect(memabra.run('hi', [], () => ({ result: 1, reward: 2 }))).rejects.toThrow('field "outcome.reward": must be in [0, 1]');
  });
});
