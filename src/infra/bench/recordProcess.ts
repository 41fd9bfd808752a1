/**
 * The child process of the bench's record phases (recordPhases.ts): `node recordProcess.js FILE DIR
 * SPAWNED_AT` takes the steps of a one-shot `memabra record FILE` (recordCommand, then handleCommand's one
 * attempt) one after another, cold, each once as the CLI pays it, with the same functions, and prints when
 * each ended as one JSON line. Only Node's own modules are imported statically: memabra's are loaded as
 * a phase of their own. The append is taken apart into its encoding and the write + fdatasync of the
 * encoded bytes at the log's end (the store does both under its lock).
 */
import { closeSync, constants, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { wallMs, type ChildPhases } from './recordPhases.js';

/** memabra's modules: the CLI's, as bin/memabra.js and then `record` load them, and the parts the steps call. */
async function loadModules() {
  await import('../cli/main.js');
  await import('../cli/basicCommands.js'); // the module the CLI imports when `record` runs
  const [runtime, parsedInput, foldedState, { commands }, session, decideContext, refusals, batchEncoder, snapshots] = await Promise.all([
    import('../cli/runtime.js'),
    import('../app/parsedInput.js'),
    import('../app/foldedState.js'),
    import('../app/commands.js'),
    import('../app/session.js'),
    import('../../domain/decideContext.js'),
    import('../app/refusalErrors.js'),
    import('../store/batchEncoder.js'),
    import('../app/snapshotSchedule.js'),
  ]);
  return { ...runtime, ...parsedInput, ...foldedState, record: commands.record, ...session, ...decideContext, ...refusals, ...batchEncoder, ...snapshots };
}

const PHASES = [
  'modulesMs',
  'readInputMs',
  'parseValidateMs',
  'openSessionMs',
  'loadStateMs',
  'decideMs',
  'tailMs',
  'encodeMs',
  'writeSyncMs',
  'answerMs',
  'snapshotMs',
] as const;

async function recordPhases(file: string, dir: string, spawnedAt: number): Promise<ChildPhases> {
  const entered = wallMs();
  const times = [entered];
  const lap = () => times.push(wallMs());
  const m = await loadModules();
  lap();
  const text = m.readInput(file);
  lap();
  const trajectories = m.parseTrajectories(text);
  lap();
  const session = await m.openSession({ dir });
  lap();
  const state = await m.loadState(session.store);
  lap();
  const command = await m.record.command(trajectories, session);
  const decision = m.unwrap(await m.record.decide(command, state, m.decideContext(session.env), session));
  const stamped = m.eventsOf(decision).map((event) => ({ ...event, id: session.env.newId() }));
  const validated = m.record.validated?.(decision, command) ?? false;
  lap();
  const tail = await session.store.head();
  lap();
  const encoded = m.encodeBatch(stamped, tail, session.env.now(), 1 << 20, validated);
  lap();
  const fd = openSync(join(dir, 'events.jsonl'), constants.O_WRONLY | constants.O_APPEND);
  writeSync(fd, encoded.bytes);
  fdatasyncSync(fd);
  closeSync(fd);
  lap();
  const appended = { firstSeq: tail.lastSeq + 1, lastSeq: encoded.stored.at(-1)!.seq, events: encoded.stored };
  const answer = JSON.stringify(m.record.answer({ decision, appended, attempts: 1, stateAfter: () => state }));
  lap();
  await m.settleSnapshots();
  lap();
  const phases = Object.fromEntries(PHASES.map((name, i) => [name, times[i + 1]! - times[i]!])) as Record<(typeof PHASES)[number], number>;
  return { nodeStartMs: entered - spawnedAt, ...phases, events: stamped.length, answerBytes: answer.length, bytes: encoded.bytes.length, endedAt: wallMs() };
}

const [file, dir, spawnedAt] = process.argv.slice(2);
process.stdout.write(`${JSON.stringify(await recordPhases(file!, dir!, Number(spawnedAt)))}\n`);
