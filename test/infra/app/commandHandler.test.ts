import { describe, expect, it } from 'vitest';
import { decideRecord } from '../../../src/domain/record.js';
import { refused } from '../../../src/domain/domainError.js';
import type { RecordInput } from '../../../src/events/model/vocabulary.js';
import { seqOfId } from '../../../src/projections/idIndex.js';
import type { MemabraState } from '../../../src/projections/state.js';
import { commands } from '../../../src/infra/app/commands.js';
import { handleCommand, registration, type Retry } from '../../../src/infra/app/commandHandler.js';
import type { Session } from '../../../src/infra/app/session.js';
import { loadState } from '../../../src/infra/app/foldedState.js';
import { isAppendConflict, MemabraError } from '../../../src/infra/errors.js';
import type { EventStore } from '../../../src/infra/store/eventStore.js';
import { openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { sequentialIds, tempDir, testEnvironment, trajectoryInput } from '../../support/fixtures.js';

/** A second writer on the same log, with ids of its own. */
function otherWriter(dir: string): Session {
  return { store: openJsonlStore(dir), env: { ...testEnvironment(), newId: sequentialIds(5000) } };
}

/**
 * A handle on the log at `dir` before each of whose first `races` appends another writer records a
 * trajectory, as when a writer gets in between a read and an append; it keeps what each append threw.
 */
function contended(dir: string, races: number): { store: EventStore; thrown: unknown[]; appends: () => number } {
  const inner = openJsonlStore(dir);
  const other = otherWriter(dir);
  const thrown: unknown[] = [];
  let appends = 0;
  const store: EventStore = {
    ...inner,
    append: async (events, options) => {
      appends++;
      if (appends <= races) await handleCommand(other, commands.record, [trajectoryInput({ task: { input: `meanwhile ${appends}` } })]);
      try {
        return await inner.append(events, options);
      } catch (error) {
        thrown.push(error);
        throw error;
      }
    },
  };
  return { store, thrown, appends: () => appends };
}

async function initialised(): Promise<string> {
  const dir = tempDir();
  await handleCommand({ store: openJsonlStore(dir), env: testEnvironment() }, commands.init, {});
  return dir;
}

const items: RecordInput[] = [trajectoryInput({ task: { input: 'set a timer' } })];

/** A record of `items` as a registration that answers what the handler handled, counting its decisions, with the retry given. */
function recording(onDecide: () => void = () => {}, retry?: Retry | false) {
  return registration({
    command: () => ({ trajectories: items }),
    decide: (command, state: MemabraState, context) => (onDecide(), decideRecord(command, state, context)),
    answer: (handled) => handled,
    ...(retry === undefined ? {} : { retry }),
  });
}

describe('the command handler', () => {
  it('given another writer appended between the read and the append, when the append loses the race, then it is an append-conflict, and the command decides again on the new state', async () => {
    const dir = await initialised();
    const { store, thrown } = contended(dir, 1);
    const session: Session = { store, env: testEnvironment() };
    let decisions = 0;
    const handled = await handleCommand(
      session,
      recording(() => decisions++),
      null,
    );
    const result = handled.appended.lastSeq;
    expect(thrown.map((error) => (error as MemabraError).kind)).toEqual(['append-conflict']);
    expect(thrown.every(isAppendConflict)).toBe(true);
    expect(decisions).toBe(2);
    const state = await loadState(openJsonlStore(dir));
    expect(result).toBe(state.lastSeq);
    expect(state.trajectories.count).toBe(2);
  });

  it("given the log keeps moving, when every attempt loses the race, then it gives up after its attempts with the store's one line, exit code 1, and appends nothing of its own", async () => {
    const dir = await initialised();
    const { store, appends } = contended(dir, Number.POSITIVE_INFINITY);
    const session: Session = { store, env: testEnvironment() };
    const attempt = handleCommand(session, recording(undefined, { attempts: 3 }), null).then(() => 'appended');
    const error = await attempt.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(isAppendConflict(error)).toBe(true);
    expect((error as MemabraError).message).toMatch(/^the log moved on while deciding \(expected last seq \d+, found \d+\); nothing was appended$/);
    expect((error as MemabraError).exitCode).toBe(1);
    expect(appends()).toBe(3);
    // Only the other writer's three trajectories: none of this command's.
    expect((await loadState(openJsonlStore(dir))).trajectories.count).toBe(3);
  });

  it('given a business refusal against the log (a version already active), then it is a conflict, not an append-conflict, and is not decided again', async () => {
    const dir = await initialised();
    const { store, appends } = contended(dir, 0);
    const session: Session = { store, env: testEnvironment() };
    const error = await handleCommand(session, commands.rollback, { version: 'v1', reason: null }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(MemabraError);
    expect(error).toMatchObject({ kind: 'conflict', refusal: 'already-active' });
    expect(isAppendConflict(error)).toBe(false);
    expect((error as MemabraError).exitCode).toBe(1);
    expect(appends()).toBe(0);
  });

  it('given an append that fails with a conflict that is not a lost race, then the command does not retry it', async () => {
    const dir = await initialised();
    const inner = openJsonlStore(dir);
    let appends = 0;
    const store: EventStore = {
      ...inner,
      append: async () => {
        appends++;
        throw new MemabraError('conflict', 'refused by the log');
      },
    };
    const session: Session = { store, env: testEnvironment() };
    await expect(handleCommand(session, recording(), null)).rejects.toThrow('refused by the log');
    expect(appends).toBe(1);
  });

  it('given a refusal from the decider, then nothing is appended and it is thrown as its kind', async () => {
    const dir = await initialised();
    const { store, appends } = contended(dir, 0);
    const session: Session = { store, env: testEnvironment() };
    const refusing = registration({
      command: () => null,
      decide: () => refused({ type: 'already-initialised', activeVersionId: null }),
      answer: () => 'appended',
    });
    await expect(handleCommand(session, refusing, null)).rejects.toMatchObject({
      kind: 'conflict',
      refusal: 'already-initialised',
    });
    expect(appends()).toBe(0);
  });
  it('given retry off, when the append loses the race, then the append-conflict is thrown at once, decided once', async () => {
    const dir = await initialised();
    const { store, appends } = contended(dir, 1);
    const session: Session = { store, env: testEnvironment() };
    let decisions = 0;
    const error = await handleCommand(
      session,
      recording(() => decisions++, false),
      null,
    ).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(isAppendConflict(error)).toBe(true);
    expect([decisions, appends()]).toEqual([1, 1]);
    expect((await loadState(openJsonlStore(dir))).trajectories.count).toBe(1);
  });

  it('given a retry that says the decision still holds on the newer log, when the append loses the race, then the same events are appended at the new end without deciding again', async () => {
    const dir = await initialised();
    const { store, appends } = contended(dir, 1);
    const session: Session = { store, env: testEnvironment() };
    let decisions = 0;
    const seen: [number, number][] = [];
    const stillHolds = (decidedOn: MemabraState, now: MemabraState) => (seen.push([decidedOn.lastSeq, now.lastSeq]), true);
    const handled = await handleCommand(
      session,
      recording(() => decisions++, { attempts: 1, stillHolds, rebases: 1 }),
      null,
    );
    expect([decisions, appends(), handled.attempts]).toEqual([1, 2, 1]);
    expect(seen).toEqual([[1, 2]]);
    expect(handled.appended.firstSeq).toBe(3);
    expect((await loadState(openJsonlStore(dir))).trajectories.count).toBe(2);
  });

  it('given a retry whose decision no longer holds, when the append loses the race, then it decides again on the new state', async () => {
    const dir = await initialised();
    const { store, appends } = contended(dir, 1);
    const session: Session = { store, env: testEnvironment() };
    let decisions = 0;
    const handled = await handleCommand(
      session,
      recording(() => decisions++, { attempts: 2, stillHolds: () => false, rebases: 50 }),
      null,
    );
    expect([decisions, appends(), handled.attempts]).toEqual([2, 2, 2]);
  });

  it("given a command appended after another writer got in, then the state after it is read from the state the handler holds, without reading the log again, and is the log's", async () => {
    const dir = await initialised();
    const { store: racing } = contended(dir, 1);
    let appended = false;
    let readsAfter = 0;
    const counted = () => void (appended && readsAfter++);
    const store: EventStore = {
      ...racing,
      readFrom: (cursor) => (counted(), racing.readFrom(cursor)),
      readBatches: (fromSeq) => (counted(), racing.readBatches(fromSeq)),
      append: async (events, options) => {
        const result = await racing.append(events, options);
        appended = true;
        return result;
      },
    };
    const session: Session = { store, env: testEnvironment() };
    const handled = await handleCommand(session, recording(), null);
    const after = handled.stateAfter();
    expect(readsAfter).toBe(0);
    const replayed = await loadState(openJsonlStore(dir));
    expect([after.lastSeq, after.trajectories.count, after.active?.versionId]).toEqual([replayed.lastSeq, 2, replayed.active?.versionId]);
    expect(seqOfId(after.trajectories.ids, handled.decision[0]!.data.trajectory.id)).toBe(handled.appended.lastSeq);
  });
});
