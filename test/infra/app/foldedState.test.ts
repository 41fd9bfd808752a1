import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/catalogue.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import type { EventStore, NewEvent } from '../../../src/infra/store/eventStore.js';
import { LOG_FILE, openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { PIECE_EVENTS } from '../../../src/infra/store/logScanner.js';
import { foldEvents } from '../../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../../src/projections/state.js';
import { sameState } from '../../../src/projections/stateCodec.js';
import { baselineRegistered } from '../../support/givenWhenThen.js';
import { fixedClock, sequentialIds, tempDir, trajectoryArb } from '../../support/fixtures.js';

/** A store whose appends are trajectory events: each append long enough to be read in several pieces. */
function trajectoryLog(dir = tempDir()) {
  const store = openJsonlStore(dir, { now: fixedClock() });
  const newId = sequentialIds();
  let drawn = 0;
  const appendTrajectories = async (count: number): Promise<void> => {
    const trajectories = fc.sample(trajectoryArb('01J00000000000000000000000'), { numRuns: count, seed: drawn + 1 });
    const events: NewEvent[] = trajectories.map((t) => ({
      id: newId(),
      type: 'TrajectoryRecorded',
      data: { trajectory: { ...t, id: newId(), task: { input: `${t.task.input} ${drawn++}` } } },
    }));
    await store.append(events, { expectedLastSeq: 'any' });
  };
  return { store, file: join(dir, LOG_FILE), dir, appendTrajectories };
}

async function storedEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const batch of store.readBatches()) events.push(...batch);
  return events;
}

const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').length - 1;

/** The file with line `lineNo` (1-based) changed so that its seal no longer matches it. */
function damageLine(file: string, lineNo: number): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[lineNo - 1] = lines[lineNo - 1]!.replace('"reward":', '"reward": ');
  writeFileSync(file, lines.join('\n'));
}

describe('loadState over long appends, folded as their lines are checked', () => {
  it('given a long append torn before its last line, folds the appends before it and none of its events', async () => {
    const { store, file, dir, appendTrajectories } = trajectoryLog();
    await store.append([{ ...baselineRegistered(), id: 'E-baseline' }], { expectedLastSeq: 0 });
    await appendTrajectories(2 * PIECE_EVENTS + 37);
    const complete = foldEvents(initialState, await storedEvents(store));
    await appendTrajectories(3 * PIECE_EVENTS + 5);
    const whole = readFileSync(file, 'utf8');

    for (const cut of ['its last line missing', 'its last line half written']) {
      const lines = whole.split('\n').slice(0, -1);
      const last = lines.pop()!;
      writeFileSync(file, `${lines.join('\n')}\n${cut === 'its last line half written' ? last.slice(0, 40) : ''}`);

      const state: MemabraState = await loadState(openJsonlStore(dir));

      expect(state.trajectories.count, cut).toBe(2 * PIECE_EVENTS + 37);
      expect(state.lastSeq, cut).toBe(complete.lastSeq);
      expect(sameState(state, complete), cut).toBe(true);
      const report = await openJsonlStore(dir).verify();
      expect(report, cut).toMatchObject({ ok: true, events: complete.lastSeq, tornTail: { firstLine: complete.lastSeq + 1 } });
    }
  });

  it('given a long append whose last line fails its check, refuses the read as before and leaves the state it was folding from as it was', async () => {
    const { store, file, dir, appendTrajectories } = trajectoryLog();
    await store.append([{ ...baselineRegistered(), id: 'E-baseline' }], { expectedLastSeq: 0 });
    await appendTrajectories(PIECE_EVENTS + 3);
    const before = await loadState(store);
    const beforeCopy = foldEvents(initialState, await storedEvents(store));
    await appendTrajectories(2 * PIECE_EVENTS + 11);
    const damaged = lineCount(file);
    await appendTrajectories(5);
    const whole = readFileSync(file, 'utf8');

    // The long append's last line damaged, in the middle of the log and then as the log's very last line.
    for (const keep of ['the appends after it', 'nothing after it']) {
      writeFileSync(file, keep === 'nothing after it' ? whole.split('\n').slice(0, damaged).join('\n') + '\n' : whole);
      damageLine(file, damaged);

      await expect(loadState(store), keep).rejects.toThrow(new RegExp(`log line ${damaged} is corrupt`));
      await expect(loadState(openJsonlStore(dir)), keep).rejects.toThrow(new RegExp(`log line ${damaged} is corrupt`));
      // The fold that failed went on from `before` (this store's last fold): it changed nothing of it.
      expect(sameState(before, beforeCopy), keep).toBe(true);
      expect(before.trajectories.count, keep).toBe(PIECE_EVENTS + 3);
    }

    writeFileSync(file, whole);
    const after = await loadState(store);
    expect(after.trajectories.count).toBe(PIECE_EVENTS + 3 + 2 * PIECE_EVENTS + 11 + 5);
    expect(sameState(after, foldEvents(initialState, await storedEvents(store)))).toBe(true);
  });
});
