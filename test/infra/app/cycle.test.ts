import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycleWindow } from '../../../src/domain/cycleWindow.js';
import { handleCommand } from '../../../src/infra/app/commandHandler.js';
import { commands } from '../../../src/infra/app/commands.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { allEvents } from '../../../src/infra/app/logEvents.js';
import type { Session } from '../../../src/infra/app/session.js';
import type { StoredEvent } from '../../../src/events/catalogue.js';
import type { EventStore } from '../../../src/infra/store/eventStore.js';
import { openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { tempDir, testEnvironment } from '../../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../../support/learningFixtures.js';

/** A store whose first append is preceded by another writer's work, as when a writer gets in first. */
function interrupted(store: EventStore, otherWriter: () => Promise<unknown>): EventStore {
  let first = true;
  return {
    ...store,
    append: async (events, options) => {
      if (first) {
        first = false;
        await otherWriter();
      }
      return store.append(events, options);
    },
  };
}

async function seeded() {
  const dir = tempDir();
  const benchmark = join(dir, 'bench.json');
  writeFileSync(benchmark, JSON.stringify(smallSuite(150)));
  const other: Session = { store: openJsonlStore(dir), env: testEnvironment() };
  await handleCommand(other, commands.init, {});
  await handleCommand(other, commands.record, simulatedTrajectories(baselineVersion(), 0, 3000, 1));
  return { dir, benchmark, other };
}

describe('a cycle appending to a busy log', () => {
  it('when only trajectories were recorded meanwhile, appends its decision after them: they stay new for the next cycle', async () => {
    const { dir, benchmark, other } = await seeded();
    const late = simulatedTrajectories(baselineVersion(), 3000, 50, 2);
    const session: Session = { store: interrupted(openJsonlStore(dir), () => handleCommand(other, commands.record, late)), env: testEnvironment() };
    const { report, attempts } = await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: 1 });
    expect(attempts).toBe(1);
    expect(report).toMatchObject({ decision: 'promoted', newTrajectories: { count: 3000 } });
    const state = await loadState(openJsonlStore(dir));
    expect(state.trajectories.count).toBe(3050);
    expect(state.lastSeq).toBeGreaterThan(report.startedSeq);
    const next = await handleCommand({ store: openJsonlStore(dir), env: testEnvironment() }, commands.cycle, {
      benchmark,
      minNewTrajectories: 1,
      dryRun: true,
    });
    expect(next.report.newTrajectories.count).toBe(50);
  });

  it('when the active router changed meanwhile, decides again on the new state', async () => {
    const { dir, benchmark, other } = await seeded();
    const first = await handleCommand(other, commands.cycle, { benchmark, minNewTrajectories: 1 });
    expect(first.report.decision).toBe('promoted');
    await handleCommand(other, commands.record, simulatedTrajectories(baselineVersion(), 3000, 200, 3));
    const session: Session = {
      store: interrupted(openJsonlStore(dir), () => handleCommand(other, commands.rollback, { version: 'v1', reason: 'meanwhile' })),
      env: testEnvironment(),
    };
    const { report, attempts } = await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: 1 });
    expect(attempts).toBe(2);
    expect(report.baselineVersionId).toBe((await loadState(openJsonlStore(dir))).versions.values().next().value!.version.id);
  });
});

describe('what a cycle reads', () => {
  it('asks the store for the trajectories of its window only, from the seq of the first of them', async () => {
    const { dir, benchmark } = await seeded();
    const store = openJsonlStore(dir);
    const asked: (number | undefined)[] = [];
    const session: Session = { store: { ...store, readBatches: (fromSeq) => (asked.push(fromSeq), store.readBatches(fromSeq)) }, env: testEnvironment() };
    const { report } = await handleCommand(session, commands.cycle, { benchmark, minNewTrajectories: 1, dryRun: true });
    const window = cycleWindow(await loadState(openJsonlStore(dir)));
    expect(window).toMatchObject({ fromSeq: 2, count: 3000 });
    expect(asked).toEqual([window.fromSeq]);
    expect(report.trainingSet).toMatchObject({ fromSeq: window.fromSeq });
  });

  it('asked for a window of 1,000, reads, trains and judges on the latest 1,000 alone and records the window it read', async () => {
    const { dir } = await seeded();
    const store = openJsonlStore(dir);
    const asked: (number | undefined)[] = [];
    const session: Session = { store: { ...store, readBatches: (fromSeq) => (asked.push(fromSeq), store.readBatches(fromSeq)) }, env: testEnvironment() };
    const window = cycleWindow(await loadState(openJsonlStore(dir)), 1000);
    const { report } = await handleCommand(session, commands.cycle, { window: 1000, minNewTrajectories: 1, dryRun: true });
    expect(window).toMatchObject({ fromSeq: 2002, count: 1000 });
    expect(asked).toEqual([window.fromSeq]);
    // Judged on the log's own held-out share: what trained and what judged are the window's 1,000, split.
    expect(report.evidence.type).toBe('held-out');
    expect(report.trainingSet).toMatchObject({ fromSeq: window.fromSeq, toSeq: window.toSeq });
    expect(report.trainingSet!.count + report.heldOut!.count).toBe(1000);
    const events: StoredEvent[] = [];
    for await (const event of allEvents(openJsonlStore(dir))) events.push(event);
    expect(events.find((e) => e.type === 'CycleStarted')?.data).toMatchObject({ options: { window: 1000 } });
  });
});

describe('a cycle asked with a bad window', () => {
  it('together with a bad policy field, is refused with one line naming both, and appends nothing', async () => {
    const { dir } = await seeded();
    const session: Session = { store: openJsonlStore(dir), env: testEnvironment() };
    const before = (await loadState(openJsonlStore(dir))).lastSeq;
    for (const window of [0, 2.5, Number.NaN]) {
      const asked = handleCommand(session, commands.cycle, { window, policy: { confidenceLevel: 2 } });
      await expect(asked).rejects.toMatchObject({ kind: 'usage' });
      const message = await asked.catch((error: Error) => error.message);
      expect(message).toMatch(/^bad promotion policy: field "confidenceLevel": .+; bad window: must be .+$/);
      expect(message).not.toContain('\n');
    }
    expect((await loadState(openJsonlStore(dir))).lastSeq).toBe(before);
  });
});

describe('a cycle asked with a bad promotion policy', () => {
  it('is refused with one line naming every bad field, and appends nothing', async () => {
    const { dir } = await seeded();
    const session: Session = { store: openJsonlStore(dir), env: testEnvironment() };
    const before = (await loadState(openJsonlStore(dir))).lastSeq;
    const asked = handleCommand(session, commands.cycle, { policy: { confidenceLevel: 2, bootstrapResamples: 5 } });
    await expect(asked).rejects.toMatchObject({ kind: 'usage' });
    const message = await asked.catch((error: Error) => error.message);
    expect(message).toMatch(/^bad promotion policy: field "confidenceLevel": .+; field "bootstrapResamples": .+$/);
    expect(message).not.toContain('\n');
    expect((await loadState(openJsonlStore(dir))).lastSeq).toBe(before);
  });
});
