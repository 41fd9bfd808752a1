import { createRequire } from 'node:module';
import type * as Immutable from 'immutable';

/**
 * immutable's persistent Map, the read models' indexes. Loaded with `require`, not `import`: immutable is
 * a CommonJS package, and before Node's ESM loader runs one it scans its source for the names it exports
 * (cjs-module-lexer, over immutable's 212 KB), which takes longer than running it: 33 to 83 ms of every
 * process that loads the state (best of 10, on a quiet and on a loaded machine), against 6 to 16 ms through
 * `require` (docs/performance.md, "One-shot status"). Both give the one instance of Node's module cache.
 */
export const PersistentMap: typeof Immutable.Map = (createRequire(import.meta.url)('immutable') as typeof Immutable).Map;
export type PersistentMap<K, V> = Immutable.Map<K, V>;
