import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suiteHash, suiteRef } from '../../domain/benchmark/benchmarkSuite.js';
import type { RegisterBenchmarkCommand } from '../../domain/registerBenchmark.js';
import { canonicalJson } from '../../events/canonicalJson.js';
import type { BenchmarkSuite } from '../../events/model/benchmarkSuite.js';
import type { RegisteredBenchmark } from '../../projections/state.js';
import { BUNDLED_BENCHMARK_PATH, loadBenchmark } from '../data/bundledData.js';
import { MemabraError } from '../errors.js';
import { DEFAULT_MAX_EVENT_BYTES } from '../store/eventStore.js';
import { allEvents } from './logEvents.js';
import type { Session } from './session.js';

/** A PostgreSQL log has no directory beside it: its registered suites are embedded in their events. */
const isPostgres = (location: string) => /^postgres(ql)?:\/\//.test(location);

/** Room the rest of a BenchmarkRegistered line takes besides the suite (envelope, reference, seal). */
const LINE_OVERHEAD_BYTES = 1024;

let bundledHash: string | undefined;
function isBundled(suite: BenchmarkSuite): boolean {
  bundledHash ??= suiteHash(loadBenchmark(BUNDLED_BENCHMARK_PATH));
  return suiteHash(suite) === bundledHash;
}

/** Writes bytes to `path` atomically and durably: a temp file, fsync, rename, fsync of the directory. */
function writeDurably(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Where a suite being registered will live. The bundled suite is named, not copied (memabra ships it, and
 * its hash is checked when it is read back). Beside a JSONL log, any other suite is written to
 * `benchmarks/<sha256>.json` in the data directory. A PostgreSQL log embeds the suite in its event, so a
 * suite whose event would pass the per-event limit is refused, with what to do instead.
 */
export function storeSuite(session: Session, suite: BenchmarkSuite): RegisterBenchmarkCommand['storage'] {
  if (isBundled(suite)) return { type: 'bundled' };
  const hash = suiteHash(suite);
  if (!isPostgres(session.store.location)) {
    const path = `benchmarks/${hash}.json`;
    writeDurably(join(dirname(session.store.location), path), `${canonicalJson(suite)}\n`);
    return { type: 'file', path };
  }
  const bytes = Buffer.byteLength(canonicalJson(suite));
  if (bytes + LINE_OVERHEAD_BYTES > DEFAULT_MAX_EVENT_BYTES) {
    throw new MemabraError(
      'input',
      `benchmark ${suite.name} is ${(bytes / 2 ** 20).toFixed(1)} MiB: a PostgreSQL log embeds a registered suite in its event, which holds at most ${DEFAULT_MAX_EVENT_BYTES / 2 ** 20} MiB; register a smaller suite, or pass this one to each cycle with --benchmark FILE; nothing was appended`,
    );
  }
  return { type: 'embedded' };
}

/** The command that registers a suite (a file, or one already loaded), its storage already in place. */
export function suiteToRegister(session: Session, benchmark: string | BenchmarkSuite): RegisterBenchmarkCommand {
  const suite = typeof benchmark === 'string' ? loadBenchmark(benchmark) : benchmark;
  return { suite, storage: storeSuite(session, suite) };
}

const cache = new Map<string, BenchmarkSuite>();

/** Reads the registered suite back from where it was stored, and checks it is still what was registered. */
export async function loadRegisteredBenchmark(session: Session, registered: RegisteredBenchmark): Promise<BenchmarkSuite> {
  const { ref, storage } = registered;
  const cached = cache.get(ref.hash);
  if (cached) return cached;
  let suite: BenchmarkSuite | undefined;
  switch (storage.type) {
    case 'bundled':
      suite = loadBenchmark(BUNDLED_BENCHMARK_PATH);
      break;
    case 'file': {
      const path = join(dirname(session.store.location), storage.path);
      try {
        readFileSync(path);
      } catch {
        throw new MemabraError(
          'not-found',
          `the registered benchmark ${ref.name} should be at ${path}, which cannot be read; register it again with \`memabra benchmark use FILE\``,
        );
      }
      suite = loadBenchmark(path);
      break;
    }
    case 'embedded':
      for await (const event of allEvents(session.store, registered.seq)) {
        if (event.type === 'BenchmarkRegistered' && event.data.storage.type === 'embedded') suite = event.data.storage.suite;
        break;
      }
      break;
    default:
      return storage satisfies never;
  }
  if (!suite || suiteRef(suite).hash !== ref.hash) {
    throw new MemabraError(
      'conflict',
      `the registered benchmark ${ref.name} v${ref.version} is no longer what was registered (sha256 ${ref.hash.slice(0, 12)}); register it again with \`memabra benchmark use FILE\``,
    );
  }
  cache.set(ref.hash, suite);
  return suite;
}
