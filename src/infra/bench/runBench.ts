/**
 * `npm run bench`: builds its own data, measures memabra's hot paths beside the raw physical operation on
 * the same bytes in the same run, prints a table, and writes bench/results.json. BENCH_EVENTS scales the
 * big log (default 1,000,000). Memory-heavy parts run in child processes, so peak RSS is theirs alone.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  cpSync,
  fdatasyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { indexCatalogue, retrieveCandidates } from '../../domain/benchmark/catalogue.js';
import { decideRoute } from '../../domain/routing/routeDecision.js';
import { createDatasetBuilder } from '../../domain/training/dataset.js';
import { trainChallenger } from '../../domain/training/trainChallenger.js';
import { DEFAULT_FEATURES, DEFAULT_TRAINING } from '../../domain/training/trainer.js';
import { realEnvironment } from '../app/clock.js';
import { handleCommand } from '../app/commandHandler.js';
import { commands } from '../app/commands.js';
import { loadState } from '../app/foldedState.js';
import { settleSnapshots, writeSnapshotsInWorker } from '../app/snapshotSchedule.js';
import type { Session } from '../app/session.js';
import { loadCatalogue, loadTrainRequests } from '../data/bundledData.js';
import type { RouterVersion } from '../../events/model/routerVersion.js';
import type { Trajectory } from '../../events/model/vocabulary.js';
import type { EventStore, NewEvent } from '../store/eventStore.js';
import { LOG_FILE, openJsonlStore } from '../store/jsonlEventStore.js';
import { measureAppendPhases } from './appendPhases.js';
import { measureScanPhases, type ScanPhases } from './replayPhases.js';
import { measureRecordPhases } from './recordPhases.js';
import { CLI, measureCliStatus } from './cliStatus.js';
import { BENCH_BASELINE, benchId, benchTrajectories } from './benchLog.js';
import { latencies, longestPause, percentile, seconds } from './measure.js';

const SELF = fileURLToPath(import.meta.url);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);

type Row = { measure: string; memabra: string; raw: string; ratio: string; target: string; met: boolean | null };

async function buildLog(dir: string, count: number, firstTrajectory = 0): Promise<void> {
  const store = openJsonlStore(dir);
  let n = 0;
  if ((await store.head()).lastSeq === 0) {
    await store.append([{ id: benchId(1), type: 'RouterRegistered', data: { version: BENCH_BASELINE, activate: true, reason: 'init' } }], {
      expectedLastSeq: 0,
    });
  }
  let batch: NewEvent[] = [];
  for (const trajectory of benchTrajectories(count, 1 + firstTrajectory)) {
    batch.push({
      id: benchId(2_000_000_000 + firstTrajectory + n),
      type: 'TrajectoryRecorded',
      data: { trajectory: { ...trajectory, id: benchId(1_000_000_000 + firstTrajectory + n) } },
    });
    n++;
    if (batch.length === 10_000) {
      await store.append(batch, { expectedLastSeq: 'any' });
      batch = [];
    }
  }
  if (batch.length) await store.append(batch, { expectedLastSeq: 'any' });
}

/** Reads every line (from byte `from` on) and JSON.parses it: the raw physical operation under a replay. */
function rawReadParse(file: string, from = 0): number {
  const start = process.hrtime.bigint();
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let carry = '';
  let count = 0;
  for (let position = from; ;) {
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) break;
    position += read;
    const lines = (carry + buffer.toString('utf8', 0, read)).split('\n');
    carry = lines.pop()!;
    for (const line of lines) if (JSON.parse(line)) count++;
  }
  closeSync(fd);
  if (count === 0) throw new Error('nothing read');
  return seconds(start);
}

function cliRecord(work: string): { row: Row; figures: Record<string, unknown>; input: string } {
  const count = 20_000;
  const input = join(work, 'record.jsonl');
  const lines: string[] = [];
  for (const { id: _id, recordedAt: _at, source: _source, ...trajectory } of benchTrajectories(count, 5)) lines.push(JSON.stringify(trajectory));
  writeFileSync(input, `${lines.join('\n')}\n`);
  const runs: number[] = [];
  const raws: number[] = [];
  for (let run = 0; run < 3; run++) {
    const dir = join(work, `record-${run}`);
    execFileSync(process.execPath, [CLI, 'init', '--dir', dir], { stdio: 'ignore' });
    const begin = process.hrtime.bigint();
    execFileSync(process.execPath, [CLI, 'record', input, '--dir', dir, '--json'], { stdio: 'ignore', maxBuffer: 64 * 1024 * 1024 });
    runs.push(seconds(begin));
    rmSync(dir, { recursive: true, force: true });
    const rawStart = process.hrtime.bigint();
    const text = readFileSync(input, 'utf8');
    const out = `${text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.stringify(JSON.parse(line)))
      .join('\n')}\n`;
    const fd = openSync(join(work, 'record-raw.jsonl'), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
    writeSync(fd, out);
    fdatasyncSync(fd);
    closeSync(fd);
    raws.push(seconds(rawStart));
  }
  const ours = Math.min(...runs);
  const raw = Math.min(...raws);
  const nodeStart = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', '0']);
  const nodeSeconds = seconds(nodeStart);
  const row = {
    measure: `record of ${count} trajectories in one call (CLI, whole process, best of 3)`,
    memabra: `${fmt(ours)} s`,
    raw: `${fmt(raw)} s parse + re-serialise + write + fdatasync in process (node -e 0: ${fmt(nodeSeconds)} s)`,
    ratio: `${fmt(ours / raw)}x the raw time`,
    target: '<= 1.5x',
    met: ours / raw <= 1.5,
  };
  return { row, figures: { trajectories: count, seconds: runs, rawSeconds: raws, nodeStartSeconds: nodeSeconds }, input };
}

/** 7b. Where a CLI record's time goes: its steps in a process of their own (recordProcess.ts), beside the raw operation. */
function cliRecordPhasesRow(figures: Results['figures'], input: string, work: string, rawSeconds: number): Row {
  const initLog = (dir: string) => execFileSync(process.execPath, [CLI, 'init', '--dir', dir], { stdio: 'ignore' });
  const phases = measureRecordPhases(input, work, initLog);
  figures.cliRecordPhases = phases;
  const ms = (value: number) => `${fmt(value, 0)} ms`;
  return {
    measure: 'record phases (the same command, its steps timed in a process of their own, best of 3)',
    memabra:
      `${ms(phases.totalMs)}: node start ${ms(phases.nodeStartMs)}, modules ${ms(phases.modulesMs)}, read ${ms(phases.readInputMs)}, ` +
      `parse + validate ${ms(phases.parseValidateMs)}, open the log's state ${ms(phases.openSessionMs + phases.loadStateMs)}, ` +
      `decide ${ms(phases.decideMs)}, tail ${ms(phases.tailMs)}, encode ${ms(phases.encodeMs)}, write + fdatasync ${ms(phases.writeSyncMs)}, ` +
      `answer ${ms(phases.answerMs)}, snapshot ${ms(phases.snapshotMs)}, exit ${ms(phases.exitMs)}`,
    raw: `${ms(rawSeconds * 1000)} parse + re-serialise + write + fdatasync in process`,
    ratio: `${fmt(phases.totalMs / (rawSeconds * 1000))}x the raw time`,
    target: '',
    met: null,
  };
}

function child(mode: string, dir: string): { seconds: number; maxRssMiB: number; detail?: unknown } {
  const out = execFileSync(process.execPath, ['--max-old-space-size=4096', SELF, '--child', mode, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

async function childMain(mode: string, dir: string): Promise<void> {
  const start = process.hrtime.bigint();
  let detail: unknown;
  if (mode === 'replay') {
    rmSync(join(dir, 'snapshots'), { recursive: true, force: true });
    const timed = phaseTimed(openJsonlStore(dir));
    const store = { ...timed.store, snapshots: undefined };
    const { phases } = timed;
    const state = await loadState(store);
    // The scan (reading and checking every line, tailReadSeconds) and the fold of its batches (the rest).
    const { user, system } = process.cpuUsage();
    detail = {
      events: state.lastSeq,
      scanSeconds: phases.tailReadSeconds,
      foldSeconds: seconds(start) - phases.tailReadSeconds,
      cpuSeconds: (user + system) / 1e6,
    };
  } else if (mode === 'scan-phases') {
    detail = measureScanPhases(join(dir, LOG_FILE));
  } else if (mode === 'open' || mode === 'serve') {
    // 'open' as a one-shot command: the snapshot that open starts is written in the thread, after the
    // answer. 'serve' as a server: a worker thread writes it. Measured apart from the open.
    const { store, phases } = phaseTimed(openJsonlStore(dir));
    if (mode === 'serve') writeSnapshotsInWorker(store, dir);
    const state = await loadState(store);
    const openSeconds = seconds(start);
    const written = await longestPause(() => settleSnapshots(store));
    // The same probe over as long a wait with nothing to do: the pauses the machine itself imposes.
    const idle = await longestPause(() => new Promise((resolve) => setTimeout(resolve, written.seconds * 1000)));
    detail = {
      events: state.lastSeq,
      openSeconds,
      // The open's phases: reading and checking the snapshot; reading, checking and decoding the tail's
      // lines; the rest (rebuilding the state from the snapshot, folding the tail).
      phases: { ...phases, restSeconds: openSeconds - phases.snapshotLoadSeconds - phases.tailReadSeconds },
      snapshotWriteSeconds: written.seconds,
      maxPauseMs: written.maxPauseMs,
      idleMaxPauseMs: idle.maxPauseMs,
    };
  } else if (mode === 'snapshot') {
    const store = openJsonlStore(dir);
    await loadState(store);
    await settleSnapshots(store);
  } else if (mode === 'cycle') {
    // Opened as a cycle finds the log once it has a snapshot; the open is timed apart from the cycle.
    const session: Session = { store: openJsonlStore(dir), env: realEnvironment() };
    await loadState(session.store);
    const openSeconds = seconds(start);
    const { report } = await handleCommand(session, commands.cycle, { minNewTrajectories: 1, dryRun: true });
    detail = {
      openSeconds,
      decision: report.decision,
      trainingSet: report.trainingSet,
      samples: report.trainingSet?.count,
      challenger: report.challengerMetrics?.meanReward,
    };
  }
  process.stdout.write(`${JSON.stringify({ seconds: seconds(start), maxRssMiB: process.resourceUsage().maxRSS / 1024, detail })}\n`);
}

/** The store, with the time spent loading its snapshot and reading the log (each batch's `next`) added up. */
function phaseTimed(store: EventStore): { store: EventStore; phases: { snapshotLoadSeconds: number; tailReadSeconds: number } } {
  const phases = { snapshotLoadSeconds: 0, tailReadSeconds: 0 };
  const snapshots = store.snapshots!;
  const timed = async <T>(add: (s: number) => void, work: () => Promise<T>): Promise<T> => {
    const begin = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      add(seconds(begin));
    }
  };
  const readFrom: EventStore['readFrom'] = async (cursor) => {
    const reader = await timed(
      (s) => (phases.tailReadSeconds += s),
      () => store.readFrom(cursor),
    );
    const batches = reader.batches;
    const next = () =>
      timed(
        (s) => (phases.tailReadSeconds += s),
        () => batches.next(),
      );
    return { resumed: reader.resumed, batches: Object.assign(Object.create(batches) as typeof batches, { next }) };
  };
  const load = () =>
    timed(
      (s) => (phases.snapshotLoadSeconds += s),
      () => snapshots.load(),
    );
  return { phases, store: { ...store, readFrom, snapshots: { load, save: (snapshot) => snapshots.save(snapshot) } } };
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);

/** What the stages of a run add to: the table's rows and the figures of bench/results.json. */
type Results = { readonly rows: Row[]; readonly figures: Record<string, unknown> };

const say = (text: string) => process.stderr.write(`${text}\n`);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'memabra-bench-'));
  const results: Results = { rows: [], figures: {} };
  try {
    const big = join(work, 'big');
    await benchReplay(results, big);
    await benchOpen(results, big, join(work, 'open'));
    await benchCycle(results, big, join(work, 'tenth'));
    benchStatus(results, big);
    rmSync(big, { recursive: true, force: true });
    const { store, rawBatchSeconds } = await benchAppend(results, work);
    // `memabra record` of 20,000 trajectories in one call, the whole process from outside, against the raw
    // operation on the same lines: parse them, write them back as JSON, write the file, fdatasync.
    say('record through the CLI...');
    const recorded = cliRecord(work);
    results.figures.cliRecord = recorded.figures;
    results.rows.push(recorded.row);
    results.rows.push(cliRecordPhasesRow(results.figures, recorded.input, work, Math.min(...(recorded.figures.rawSeconds as number[]))));
    const session: Session = { store, env: realEnvironment() };
    await benchRecord(results, session, rawBatchSeconds);
    await benchRoute(results, session);
    await benchRouting(results, benchTraining(results));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeResults(results);
}

/** 3b. A one-shot `memabra status` on the big log against Node's start alone. */
function benchStatus({ rows, figures }: Results, big: string): void {
  say('status through the CLI...');
  const status = measureCliStatus(big);
  figures.cliStatus = status;
  rows.push({
    measure: `one-shot \`memabra status\` on the ${EVENTS}-event log (CLI, whole process, best of 3)`,
    memabra: `${fmt(status.statusSeconds)} s`,
    raw: `node -e 0: ${fmt(status.nodeStartSeconds)} s`,
    ratio: `+${fmt(status.statusSeconds - status.nodeStartSeconds)} s`,
    target: '<= node start + 0.1 s',
    met: status.statusSeconds <= status.nodeStartSeconds + 0.1,
  });
}

/** 1. The big log, and replay against raw read + JSON.parse. */
async function benchReplay({ rows, figures }: Results, big: string): Promise<void> {
  say(`building a ${EVENTS}-event log...`);
  const start = process.hrtime.bigint();
  await buildLog(big, EVENTS - 1);
  figures.buildSeconds = seconds(start);
  const bigFile = join(big, LOG_FILE);
  figures.logBytes = statSync(bigFile).size;
  say('replay...');
  const replay = child('replay', big);
  const raw = Math.min(rawReadParse(bigFile), rawReadParse(bigFile));
  figures.replay = { ...replay, rawSeconds: raw };
  rows.push({
    measure: `full replay of ${EVENTS} events (verify and fold)`,
    memabra: `${fmt(replay.seconds)} s`,
    raw: `${fmt(raw)} s read + JSON.parse`,
    ratio: `${fmt(raw / replay.seconds)}x`,
    target: '>= 0.8x',
    met: raw / replay.seconds >= 0.8,
  });
  rows.push(replayPhasesRow(figures, big, replay.detail as { scanSeconds: number; foldSeconds: number }, raw));
  rows.push({
    measure: 'peak RSS of replay',
    memabra: `${fmt(replay.maxRssMiB, 0)} MiB`,
    raw: '',
    ratio: '',
    target: '< 1024 MiB',
    met: replay.maxRssMiB < 1024,
  });
}

/**
 * 1b. Where a replay's time goes: its scan (every line read and checked) and its fold, from the replay
 * itself; the scan's steps, each a pass of its own over the same file in another process.
 */
function replayPhasesRow(figures: Results['figures'], big: string, replay: { scanSeconds: number; foldSeconds: number }, raw: number): Row {
  const scan = child('scan-phases', big).detail as ScanPhases;
  figures.replayPhases = { ...replay, scan };
  const s = (value: number) => `${fmt(value)} s`;
  // A step is its pass less the plain read's (replayPhases.ts): on another CPU a pass can come out faster
  // than the ones it is measured against, and a difference below zero says only that the step is lost in
  // the noise.
  const step = (value: number) => (value >= 0 ? s(value) : `lost in the passes' noise (${s(value)})`);
  return {
    measure: "replay phases (its scan and fold, wall time; the scan's steps, CPU time, one pass each)",
    memabra: `scan ${s(replay.scanSeconds)}, fold ${s(replay.foldSeconds)}; the scan alone ${s(scan.scanSeconds)} of CPU, its steps: read ${s(scan.readSeconds)}, CRC seal ${step(scan.sealSeconds)}, parse ${step(scan.parseSeconds)}, envelope ${step(scan.envelopeSeconds)}, sha256 ${step(scan.sha256Seconds)}, seq/chain/framing checks and handing the events over ${step(scan.checksSeconds)}`,
    raw: `${s(raw)} read + JSON.parse`,
    ratio: `${fmt(raw / replay.scanSeconds)}x of the scan`,
    target: '',
    met: null,
  };
}

/** 2. Open with a snapshot and 10,000 events of tail, on a copy of the big log. */
async function benchOpen({ rows, figures }: Results, big: string, opened: string): Promise<void> {
  say('open with a snapshot...');
  cpSync(big, opened, { recursive: true });
  const prepared = openJsonlStore(opened);
  await loadState(prepared); // folds everything; a snapshot is written once it has
  await settleSnapshots(prepared);
  const tailFrom = statSync(join(opened, LOG_FILE)).size;
  const preparedSnapshots = readdirSync(join(opened, 'snapshots'));
  await buildLog(opened, 10_000, EVENTS);
  const open = child('open', opened);
  // The same open and snapshot in a server, from the same starting point (the snapshot it wrote removed).
  for (const name of readdirSync(join(opened, 'snapshots'))) if (!preparedSnapshots.includes(name)) rmSync(join(opened, 'snapshots', name));
  const serve = child('serve', opened);
  // The raw operation under an open: read the snapshot's bytes, and read and parse the tail's lines.
  const snapshotFile = readdirSync(join(opened, 'snapshots')).find((name) => name.endsWith('.snap'))!;
  const rawReadStart = process.hrtime.bigint();
  readFileSync(join(opened, 'snapshots', snapshotFile));
  const rawSnapshotSeconds = seconds(rawReadStart);
  const rawTailSeconds = rawReadParse(join(opened, LOG_FILE), tailFrom);
  const rawOpen = rawSnapshotSeconds + rawTailSeconds;
  figures.open = { ...open, rawSeconds: rawOpen, rawSnapshotSeconds, rawTailSeconds };
  figures.serveSnapshot = serve;
  type Written = { openSeconds: number; snapshotWriteSeconds: number; maxPauseMs: number; idleMaxPauseMs: number };
  const { openSeconds, snapshotWriteSeconds, maxPauseMs } = open.detail as Written;
  const inServer = serve.detail as Written;
  rows.push({
    measure: `open with a snapshot + 10,000 events of tail (${EVENTS + 10_000} events)`,
    memabra: `${fmt(openSeconds * 1000, 0)} ms`,
    raw: `${fmt(rawOpen * 1000, 0)} ms read snapshot + read and parse tail`,
    ratio: `${fmt(rawOpen / openSeconds)}x`,
    target: '< 200 ms',
    met: openSeconds < 0.2,
  });
  rows.push({
    measure: 'then writing the new snapshot, after the answer (in the thread, as a one-shot command does)',
    memabra: `${fmt(snapshotWriteSeconds * 1000, 0)} ms`,
    raw: '',
    ratio: '',
    target: '',
    met: null,
  });
  rows.push({
    measure: `a server's longest event-loop pause while its snapshot is written (worker thread), beside the time the snapshot takes`,
    memabra: `${fmt(inServer.maxPauseMs, 1)} ms (snapshot ${fmt(inServer.snapshotWriteSeconds * 1000, 0)} ms)`,
    raw: `${fmt(inServer.idleMaxPauseMs, 1)} ms idle; ${fmt(maxPauseMs, 0)} ms written in the thread`,
    ratio: '',
    target: '< 20 ms',
    met: inServer.maxPauseMs < 20,
  });
  rmSync(opened, { recursive: true, force: true });
}

/**
 * 3. A dry-run cycle on the big log, and the same on a log a tenth of its size: both opened from a snapshot,
 * as a cycle finds a log after its first snapshot, so the ratio shows how a cycle's cost grows with the log.
 */
async function benchCycle({ rows, figures }: Results, big: string, tenth: string): Promise<void> {
  const tenthEvents = Math.round(EVENTS / 10);
  say(`a cycle on the big log, and on one of ${tenthEvents} events...`);
  await buildLog(tenth, tenthEvents - 1);
  const timed = (dir: string) => {
    child('snapshot', dir);
    const run = child('cycle', dir);
    const { openSeconds } = run.detail as { openSeconds: number };
    return { ...run, openSeconds, cycleSeconds: run.seconds - openSeconds };
  };
  const cycle = timed(big);
  const small = timed(tenth);
  rmSync(tenth, { recursive: true, force: true });
  figures.cycle = { ...cycle, tenth: { events: tenthEvents, ...small } };
  rows.push({
    measure: `one dry-run cycle with ${EVENTS} events in the log (opened from a snapshot)`,
    memabra: `${fmt(cycle.seconds)} s (open ${fmt(cycle.openSeconds)} s, cycle ${fmt(cycle.cycleSeconds)} s)`,
    raw: '',
    ratio: '',
    target: '',
    met: null,
  });
  rows.push({
    measure: 'peak RSS of that cycle',
    memabra: `${fmt(cycle.maxRssMiB, 0)} MiB`,
    raw: '',
    ratio: '',
    target: '< 1024 MiB',
    met: cycle.maxRssMiB < 1024,
  });
  rows.push({
    measure: `dry-run cycle at ${EVENTS} events vs at ${tenthEvents} (whole process)`,
    memabra: `${fmt(cycle.seconds)} s`,
    raw: `${fmt(small.seconds)} s at ${tenthEvents} (open ${fmt(small.openSeconds)} s, cycle ${fmt(small.cycleSeconds)} s)`,
    ratio: `${fmt(cycle.seconds / small.seconds)}x`,
    target: '<= 1.5x',
    met: cycle.seconds / small.seconds <= 1.5,
  });
}

const APPEND_BATCHES = 200;
const APPEND_BATCH_SIZE = 100;

/** A log of its own with the baseline registered, for appends to be timed on. */
async function registeredStore(dir: string): Promise<EventStore> {
  const store = openJsonlStore(dir);
  await store.append([{ id: benchId(1), type: 'RouterRegistered', data: { version: BENCH_BASELINE, activate: true, reason: 'init' } }], { expectedLastSeq: 0 });
  return store;
}

/** One batch of the append stages: its trajectories recorded, with ids after the baseline's. */
const appendBatch = (trajectories: readonly Trajectory[], b: number): NewEvent[] =>
  trajectories
    .slice(b * APPEND_BATCH_SIZE, (b + 1) * APPEND_BATCH_SIZE)
    .map((trajectory, i) => ({ id: benchId(b * APPEND_BATCH_SIZE + i + 10), type: 'TrajectoryRecorded', data: { trajectory } }));

/**
 * 4. Durable batched append against raw write + fdatasync of the same bytes in the same batch sizes; then
 * the same appends as the session makes them for trajectories decided from parsed input. The store it
 * appended to is the one the later stages record and route through.
 */
async function benchAppend({ rows, figures }: Results, work: string): Promise<{ store: EventStore; rawBatchSeconds: number }> {
  say('durable appends...');
  const appendDir = join(work, 'append');
  const store = await registeredStore(appendDir);
  const batches = APPEND_BATCHES;
  const batchSize = APPEND_BATCH_SIZE;
  const trajectories = [...benchTrajectories(batches * batchSize, 7)];
  const sizes: number[] = [];
  const start = process.hrtime.bigint();
  for (let b = 0; b < batches; b++) {
    const before = statSync(join(appendDir, LOG_FILE)).size;
    await store.append(appendBatch(trajectories, b), { expectedLastSeq: 'any' });
    sizes.push(statSync(join(appendDir, LOG_FILE)).size - before);
  }
  const ours = seconds(start);
  const rawAppend = rawAppendSeconds(readFileSync(join(appendDir, LOG_FILE)), sizes, join(work, 'raw.jsonl'));
  const decided = await decidedAppendSeconds(join(work, 'decided'), trajectories);
  figures.append = { batches, batchSize, seconds: ours, decidedSeconds: decided, rawSeconds: rawAppend, fdatasyncMs: (rawAppend / batches) * 1000 };
  const perSync = `${fmt((rawAppend / batches) * 1000)} ms a batch`;
  rows.push({
    measure: `durable append, ${batches} batches of ${batchSize} events (the store validates)`,
    memabra: `${fmt((batches * batchSize) / ours, 0)} events/s`,
    raw: `${fmt((batches * batchSize) / rawAppend, 0)} events/s write + fdatasync (${perSync})`,
    ratio: `${fmt(rawAppend / ours)}x`,
    target: '>= 0.5x',
    met: rawAppend / ours >= 0.5,
  });
  rows.push({
    measure: `durable append, ${batches} batches of ${batchSize} decided events (validated by the decider)`,
    memabra: `${fmt((batches * batchSize) / decided, 0)} events/s`,
    raw: `${fmt((batches * batchSize) / rawAppend, 0)} events/s write + fdatasync (${perSync})`,
    ratio: `${fmt(rawAppend / decided)}x`,
    target: '>= 0.5x',
    met: rawAppend / decided >= 0.5,
  });
  rows.push(appendPhasesRow(figures, trajectories, rawAppend / batches));
  return { store, rawBatchSeconds: rawAppend / batches };
}

/** 4b. Where an append's time goes, per batch: the encoding steps beside JSON.stringify alone and the raw operation. */
function appendPhasesRow(figures: Results['figures'], trajectories: readonly Trajectory[], rawBatchSeconds: number): Row {
  const phases = measureAppendPhases(Array.from({ length: APPEND_BATCHES }, (_, b) => appendBatch(trajectories, b)));
  figures.appendPhases = phases;
  const ms = (value: number) => `${fmt(value, 2)} ms`;
  return {
    measure: `append phases, per batch of ${APPEND_BATCH_SIZE} events (CPU, in process)`,
    memabra: `encode ${ms(phases.encodeMs)} (canonical JSON ${ms(phases.canonicalJsonMs)}, sha256 ${ms(phases.sha256Ms)}, CRC-32 ${ms(phases.crc32Ms)}); validating the data adds ${ms(phases.encodeValidatingMs - phases.encodeMs)}`,
    raw: `JSON.stringify of the data alone ${ms(phases.stringifyMs)}; write + fdatasync ${ms(rawBatchSeconds * 1000)}`,
    ratio: `${fmt((rawBatchSeconds * 1000) / phases.encodeMs)}x`,
    target: '',
    met: null,
  };
}

/** The raw operation under the appends: the same bytes written to a file in the same sizes, each fdatasynced. */
function rawAppendSeconds(bytes: Buffer, sizes: readonly number[], rawFile: string): number {
  const fd = openSync(rawFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  let offset = bytes.length - sizes.reduce((a, b) => a + b, 0);
  const start = process.hrtime.bigint();
  for (const size of sizes) {
    writeSync(fd, bytes, offset, size);
    fdatasyncSync(fd);
    offset += size;
  }
  const rawAppend = seconds(start);
  closeSync(fd);
  return rawAppend;
}

/**
 * The appends as the session makes them for trajectories decided from parsed input: the store seals them
 * without validating the data a second time (AppendOptions.validated). Same bytes.
 */
async function decidedAppendSeconds(decidedDir: string, trajectories: readonly Trajectory[]): Promise<number> {
  const decidedStore = await registeredStore(decidedDir);
  const start = process.hrtime.bigint();
  for (let b = 0; b < APPEND_BATCHES; b++) {
    await decidedStore.append(appendBatch(trajectories, b), { expectedLastSeq: 'any', validated: true });
  }
  const decided = seconds(start);
  rmSync(decidedDir, { recursive: true, force: true });
  return decided;
}

/** 5. One durable record in a process that is already open. */
async function benchRecord({ rows, figures }: Results, session: Session, rawBatchSeconds: number): Promise<void> {
  say('single records...');
  await loadState(session.store);
  await settleSnapshots(session.store); // the snapshot that first load starts is not part of a record's latency
  const one = [...benchTrajectories(300, 9)].map(({ id: _id, recordedAt: _at, source: _source, ...t }) => t);
  const recordTimes = await latencies(one.length, (i) => handleCommand(session, commands.record, [one[i]!]));
  figures.record = { p50us: percentile(recordTimes, 0.5), p99us: percentile(recordTimes, 0.99) };
  rows.push({
    measure: 'one durable record (process already open)',
    memabra: `p50 ${fmt(percentile(recordTimes, 0.5) / 1000)} ms, p99 ${fmt(percentile(recordTimes, 0.99) / 1000)} ms`,
    raw: `${fmt(rawBatchSeconds * 1000)} ms per raw write + fdatasync`,
    ratio: '',
    target: '',
    met: null,
  });
}

/**
 * 5b. Route through the log (the process already open), decided without logging and with it: logging
 * adds one durable append per call, whatever the number of requests in it.
 */
async function benchRoute({ rows, figures }: Results, session: Session): Promise<void> {
  say('route, with and without logging...');
  const benchCatalogue = indexCatalogue(loadCatalogue());
  const asked = loadTrainRequests()
    .slice(0, 1000)
    .map((r) => ({ input: r.text, candidates: retrieveCandidates(benchCatalogue, r.text) }));
  const routeOne = async (log: boolean) => latencies(300, (i) => handleCommand(session, commands.route, { requests: [asked[i % asked.length]!], log }));
  const unloggedTimes = await routeOne(false);
  const loggedTimes = await routeOne(true);
  const batchSeconds = async (log: boolean) => {
    const begin = process.hrtime.bigint();
    await handleCommand(session, commands.route, { requests: asked, log });
    return seconds(begin);
  };
  const unloggedBatch = Math.min(await batchSeconds(false), await batchSeconds(false));
  const loggedBatch = Math.min(await batchSeconds(true), await batchSeconds(true));
  figures.route = {
    one: {
      unlogged: { p50us: percentile(unloggedTimes, 0.5), p99us: percentile(unloggedTimes, 0.99) },
      logged: { p50us: percentile(loggedTimes, 0.5), p99us: percentile(loggedTimes, 0.99) },
    },
    batch: { requests: asked.length, unloggedSeconds: unloggedBatch, loggedSeconds: loggedBatch },
  };
  const ms = (us: number) => fmt(us / 1000);
  rows.push({
    measure: 'route one request, logged (process already open)',
    memabra: `p50 ${ms(percentile(loggedTimes, 0.5))} ms, p99 ${ms(percentile(loggedTimes, 0.99))} ms`,
    raw: `p50 ${ms(percentile(unloggedTimes, 0.5))} ms, p99 ${ms(percentile(unloggedTimes, 0.99))} ms with --no-log`,
    ratio: `${fmt(percentile(unloggedTimes, 0.5) / percentile(loggedTimes, 0.5))}x`,
    target: '',
    met: null,
  });
  rows.push({
    measure: `route ${asked.length} requests in one call, logged (one append)`,
    memabra: `${fmt(loggedBatch * 1000, 0)} ms`,
    raw: `${fmt(unloggedBatch * 1000, 0)} ms with --no-log`,
    ratio: `${fmt(unloggedBatch / loggedBatch)}x`,
    target: '',
    met: null,
  });
}

/** 6. Training on 100,000 trajectories; the router it trains is the one routing is timed with. */
function benchTraining({ rows, figures }: Results): RouterVersion {
  say('training...');
  const builder = createDatasetBuilder(DEFAULT_FEATURES, new Set());
  let start = process.hrtime.bigint();
  for (const trajectory of benchTrajectories(100_000, 11)) builder.add(trajectory);
  const featurise = seconds(start);
  const samples = builder.build().samples;
  start = process.hrtime.bigint();
  const learned = trainChallenger(
    {
      id: 'BENCH',
      label: 'v2',
      createdAt: '2026-01-01T00:00:00.000Z',
      parentId: null,
      explorationRate: 0.1,
      features: DEFAULT_FEATURES,
      training: DEFAULT_TRAINING,
    },
    samples,
  );
  const train = seconds(start);
  figures.training = { trajectories: 100_000, featuriseSeconds: featurise, trainSeconds: train };
  rows.push({
    measure: 'training on 100,000 trajectories',
    memabra: `${fmt(featurise + train)} s (features ${fmt(featurise)} s, fit ${fmt(train)} s)`,
    raw: '',
    ratio: '',
    target: 'a few seconds',
    met: featurise + train < 10,
  });
  return learned;
}

/** 6b. Routing with 20 candidates, in process. */
async function benchRouting({ rows, figures }: Results, learned: RouterVersion): Promise<void> {
  say('routing...');
  const catalogue = indexCatalogue(loadCatalogue());
  const requests = loadTrainRequests()
    .slice(0, 2000)
    .map((r) => ({ input: r.text, candidates: retrieveCandidates(catalogue, r.text, 20) }));
  const padded = requests.map((r) => ({
    ...r,
    candidates:
      r.candidates.length >= 20
        ? r.candidates
        : [
            ...r.candidates,
            ...Array.from({ length: 20 - r.candidates.length }, (_, i) => ({ id: `pad${i}`, kind: 'tool' as const, name: `pad ${i}`, score: 0.01 })),
          ],
  }));
  for (let i = 0; i < 5000; i++) decideRoute(learned, padded[i % padded.length]!, 0.5); // warm up
  const routeTimes = await latencies(20_000, (i) => decideRoute(learned, padded[i % padded.length]!, (i % 97) / 97));
  figures.routing = { candidates: 20, p50us: percentile(routeTimes, 0.5), p99us: percentile(routeTimes, 0.99) };
  rows.push({
    measure: 'routing one request, 20 candidates, in process',
    memabra: `p50 ${fmt(percentile(routeTimes, 0.5), 1)} us, p99 ${fmt(percentile(routeTimes, 0.99), 1)} us`,
    raw: '',
    ratio: '',
    target: 'p99 < 50 us',
    met: percentile(routeTimes, 0.99) < 50,
  });
}

/** The table on stdout, and everything in bench/results.json. */
function writeResults({ rows, figures }: Results): void {
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const widths = ['measure', 'memabra', 'raw', 'ratio', 'target'].map((k) => Math.max(k.length, ...rows.map((r) => String(r[k as keyof Row]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(['measure', 'memabra', 'raw', 'ratio', 'target'])}  met\n`);
  for (const r of rows) process.stdout.write(`${line([r.measure, r.memabra, r.raw, r.ratio, r.target])}  ${r.met === null ? '' : r.met ? 'yes' : 'NO'}\n`);
  process.stdout.write(`\n${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify({ date: new Date().toISOString(), events: EVENTS, machine, rows, figures }, null, 2)}\n`);
}

if (process.argv[2] === '--child') await childMain(process.argv[3]!, process.argv[4]!);
else await main();
