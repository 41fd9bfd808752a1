import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, resolve, sep } from 'node:path';
import { MemabraError } from '../errors.js';

/** A suite larger than this is refused before it is parsed (the bundled one is 5.4 MB). */
export const MAX_BENCHMARK_BYTES = 64 * 1024 * 1024;

/** The operator's allow-list of directories a remote client may name suites in, separated by `:`. */
export const BENCHMARK_DIRS_VARIABLE = 'MEMABRA_BENCHMARK_DIRS';

/**
 * Where a client that is not the operator (an MCP or HTTP caller) may name a benchmark suite: inside the
 * data directory (a JSONL log's directory; a PostgreSQL log has none), the suites memabra ships, and the
 * directories the operator lists in $MEMABRA_BENCHMARK_DIRS.
 */
export type BenchmarkRoots = { readonly dataDir: string | null; readonly files: readonly string[]; readonly dirs: readonly string[] };

/** The roots for a store at `storeLocation` (its `location`: the log file, or a postgres:// URL). */
export function benchmarkRoots(storeLocation: string, bundledFiles: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchmarkRoots {
  const dataDir = /^postgres(ql)?:\/\//.test(storeLocation) ? null : dirname(storeLocation);
  const dirs = (env[BENCHMARK_DIRS_VARIABLE] ?? '').split(delimiter).filter((dir) => isAbsolute(dir));
  return { dataDir, files: bundledFiles, dirs };
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

const isInside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * The real path of a suite a remote client named, or a refusal (exit-2 kind, one line) that says nothing of
 * what lies outside the roots: not whether the file exists, nor a byte of it. A relative path is taken from
 * the data directory. Symbolic links are resolved first, so a link inside the data directory to a file
 * outside it is refused like the file itself. Only regular files are accepted (no devices, no FIFOs).
 * This is the one rule for every remote interface; the CLI's `--benchmark FILE` is the operator's own.
 */
export function confineBenchmarkPath(requested: string, roots: BenchmarkRoots): string {
  const outside = () =>
    new MemabraError(
      'input',
      `benchmark "${requested}" is not in the data directory or among the registered suites (an operator can allow more directories with $${BENCHMARK_DIRS_VARIABLE})`,
    );
  if (requested.includes('\0')) throw outside();
  const base = roots.dataDir ?? null;
  if (!isAbsolute(requested) && base === null) throw outside();
  const lexical = resolve(base ?? '/', requested);
  const dirs = [...(roots.dataDir ? [roots.dataDir] : []), ...roots.dirs].map((dir) => realOrNull(dir)).filter((dir): dir is string => dir !== null);
  const files = roots.files.map((file) => realOrNull(file)).filter((file): file is string => file !== null);
  const real = realOrNull(lexical);
  if (real === null) {
    // Only a path that would be inside a root may learn that it does not exist.
    if (dirs.some((dir) => isInside(resolve(lexical), dir))) throw new MemabraError('input', `benchmark "${requested}": no such file`);
    throw outside();
  }
  if (!files.includes(real) && !dirs.some((dir) => isInside(real, dir))) throw outside();
  if (!statSync(real).isFile()) throw new MemabraError('input', `benchmark "${requested}" is not a regular file`);
  return real;
}

/**
 * The bytes of a suite file, read at most `limit` bytes at a time: a device or a FIFO that never ends
 * (`/dev/zero`) is refused once it passes the limit, without holding more than that in memory.
 */
export function readBenchmarkBytes(path: string, limit = MAX_BENCHMARK_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (error) {
    throw new MemabraError('input', `cannot read benchmark ${path}: ${describeOpenError(error)}`);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new MemabraError('input', `cannot read benchmark ${path}: it is a directory`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      chunks.push(chunk.subarray(0, read));
      if (total > limit) throw new MemabraError('input', `benchmark ${path} is larger than the ${limit / (1024 * 1024)} MiB limit for a suite`);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof MemabraError) throw error;
    throw new MemabraError('input', `cannot read benchmark ${path}: ${describeOpenError(error)}`);
  } finally {
    closeSync(fd);
  }
}

function describeOpenError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return (error as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}
