import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { lineHash } from '../store/hashChain.js';
import { decodeLine } from '../store/lineCodec.js';
import { needSchemas, SCHEMAS_NEEDED } from '../store/lineDecoder.js';
import { checkSeal } from '../store/lineSeal.js';
import { scanLog } from '../store/logScanner.js';

/**
 * Where a replay's reading of the log goes, step by step: passes over the whole file, each adding one
 * step to reading the lines, so that a step's cost is its pass less the read. The steps are the ones the
 * store's scan takes per line (logScanner.ts, lineChecker.ts, lineCodec.ts). In CPU seconds of this
 * process, the best of two passes each: on a shared machine wall time counts the other processes too,
 * and a difference of two wall times can come out below zero.
 */
export type ScanPhases = {
  /** Reading the file in 4 MB chunks and cutting it into lines (the scan's own framing of bytes). */
  readonly readSeconds: number;
  /** The CRC-32 seal of every line. */
  readonly sealSeconds: number;
  /** Decoding each line as UTF-8 and JSON.parse. */
  readonly parseSeconds: number;
  /** The envelope's fields looked at on a sealed current line, beyond seal and parse (decodeLine less both). */
  readonly envelopeSeconds: number;
  /** sha256 of every line, for the hash chain. */
  readonly sha256Seconds: number;
  /**
   * What the scan does beyond the above: the seq, prev, time and append-framing checks, each event's copy
   * without its envelope fields, and handing the events over in pieces (the whole scan less the passes
   * above). It was mostly holding each append's events until its last line had checked, which made them
   * outlive the young generation, before the scan handed them over as they checked (logScanner.ts).
   */
  readonly checksSeconds: number;
  /** The whole scan, every line checked and every event collected, as a replay runs it but without the fold. */
  readonly scanSeconds: number;
  readonly lines: number;
};

const CHUNK_BYTES = 4 * 1024 * 1024;

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

/** The least CPU time of two runs of `work`. */
function bestOfTwo(work: () => void): number {
  let best = Infinity;
  for (let run = 0; run < 2; run++) {
    const start = process.cpuUsage();
    work();
    best = Math.min(best, cpuSeconds(start));
  }
  return best;
}

/** Every line of the file (without its newline) to `step`, read as the scan reads it; the least CPU seconds of two passes. */
function pass(file: string, step: (line: Buffer) => void): number {
  return bestOfTwo(() => readLines(file, step));
}

function readLines(file: string, step: (line: Buffer) => void): void {
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer = Buffer.alloc(0);
  for (let position = 0; ;) {
    const read = readSync(fd, buffer, 0, CHUNK_BYTES, position);
    if (read === 0) break;
    position += read;
    const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
    let from = 0;
    for (let nl = data.indexOf(0x0a, from); nl !== -1; nl = data.indexOf(0x0a, from)) {
      step(data.subarray(from, nl));
      from = nl + 1;
    }
    carry = Buffer.from(data.subarray(from));
  }
  closeSync(fd);
}

/** The scan's steps over `file`, each the best of two passes, in the order a first-time reader warms them up. */
export function measureScanPhases(file: string): ScanPhases {
  let lines = 0;
  let bad = 0;
  let sink = 0; // each step's result is used, so that none is optimised away
  readLines(file, () => lines++); // once, unmeasured: the file in the page cache, the reading code warm
  const read = pass(file, () => {});
  const seal = pass(file, (line) => (bad += checkSeal(line) ? 0 : 1));
  const parse = pass(file, (line) => (sink += JSON.parse(line.toString('utf8')) ? 1 : 0));
  const decode = pass(file, (line) => (bad += decodeLine(line, 'sealed').ok ? 0 : 1));
  const sha256 = pass(file, (line) => (sink += lineHash(line).length));
  const scanSeconds = bestOfTwo(() => {
    const fd = openSync(file, 'r');
    const scan = scanLog(fd, fstatSync(fd).size);
    for (let step = scan.next(); !step.done; step = scan.next()) sink += step.value === SCHEMAS_NEEDED ? needSchemas() : step.value.length;
    closeSync(fd);
  });
  if (bad > 0 || sink < lines) throw new Error(`${bad} lines of a log that checks failed a step`);
  return {
    readSeconds: read,
    sealSeconds: seal - read,
    parseSeconds: parse - read,
    envelopeSeconds: decode - seal - parse + read,
    sha256Seconds: sha256 - read,
    checksSeconds: scanSeconds - (decode - read) - (sha256 - read) - read,
    scanSeconds,
    lines,
  };
}
