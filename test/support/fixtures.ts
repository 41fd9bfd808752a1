import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent, StoredEvent } from '../../src/events/catalogue.js';
import type { Environment } from '../../src/infra/app/clock.js';
import type { Session } from '../../src/infra/app/session.js';
import { openJsonlStore } from '../../src/infra/store/jsonlEventStore.js';
import type { Trajectory, TrajectoryInput } from '../../src/events/model/vocabulary.js';
import { ROUTES } from '../../src/events/model/vocabulary.js';
import { propensityArb, retrievalScoreArb, rewardArb } from './unitArbitraries.js';
import { currentVersion } from '../../src/events/upcasters.js';

const created: string[] = [];

/**
 * A fresh directory under the system's temporary directory, removed after the test file (tempDirs.ts, a
 * setup file): a full run makes thousands of them, and left behind they filled the disk.
 */
export function tempDir(prefix = 'memabra-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every directory tempDir made in this test file so far. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Deterministic ULIDs: a counter in Crockford base32, so ids sort in creation order. */
export function sequentialIds(start = 1): () => string {
  let n = start;
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return () => {
    let value = n++;
    let out = '';
    for (let i = 0; i < 26; i++) {
      out = alphabet[value % 32] + out;
      value = Math.floor(value / 32);
    }
    return out;
  };
}

export function fixedClock(startIso = '2026-11-25T10:00:00.000Z', stepMs = 1000): () => Date {
  let t = Date.parse(startIso);
  return () => {
    const now = new Date(t);
    t += stepMs;
    return now;
  };
}

export function testEnvironment(): Environment {
  let u = 0;
  return { now: fixedClock(), newId: sequentialIds(), uniform: () => ((u = (u * 9301 + 49297) % 233280), u / 233280) };
}

export function testSession(dir = tempDir()): Session {
  const env = testEnvironment();
  return { store: openJsonlStore(dir, { now: env.now }), env };
}

export function trajectoryInput(overrides: Partial<TrajectoryInput> = {}): TrajectoryInput {
  return {
    task: { input: 'text my mom that i am late' },
    candidates: [
      { id: 'sms.send', kind: 'tool', name: 'send_sms', score: 0.71 },
      { id: 'mem-17', kind: 'memory', name: 'contact: mom', score: 0.64 },
    ],
    decision: { route: 'composite', selected: ['sms.send', 'mem-17'] },
    outcome: { reward: 1, error: null, latencyMs: 1240 },
    ...overrides,
  };
}

/** A double as the log can hold it: JSON has no -0 (it reads back as 0), and events always come from JSON. */
export const jsonDouble = (constraints: fc.DoubleConstraints = {}): fc.Arbitrary<number> =>
  fc.double({ noNaN: true, noDefaultInfinity: true, ...constraints }).map((x) => x + 0);

const words = fc.constantFrom('text', 'my', 'mom', 'weather', 'paris', 'timer', 'recipe', 'shopping', 'list', "what's", 'Éclair', 'ok!');

export const inputArb = fc.array(words, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));

export const trajectoryArb = (id: string, recordedAt = '2026-11-25T10:00:00.000Z'): fc.Arbitrary<Trajectory> =>
  fc
    .record({
      input: inputArb,
      route: fc.constantFrom(...ROUTES),
      reward: rewardArb,
      latencyMs: fc.integer({ min: 0, max: 5000 }),
      error: fc.option(fc.constantFrom('timeout', 'tool failed'), { nil: null }),
      propensity: fc.option(propensityArb, { nil: undefined }),
      score: retrievalScoreArb,
    })
    .map(({ input, route, reward, latencyMs, error, propensity, score }) => ({
      id,
      recordedAt,
      source: 'live' as const,
      task: { input },
      candidates: [{ id: 'c1', kind: 'tool' as const, name: 'tool one', score }],
      decision: { route, selected: route === 'direct' ? [] : ['c1'], ...(propensity === undefined ? {} : { propensity, routerVersionId: 'r1' }) },
      outcome: { reward, error, latencyMs },
    }));

/** Stamps domain events as the store would, for pure projection tests. */
export function stored(events: readonly DomainEvent[], firstSeq = 1, startMs = Date.parse('2026-11-25T10:00:00.000Z')): StoredEvent[] {
  return events.map((event, i) => ({
    ...event,
    seq: firstSeq + i,
    id: `E${String(firstSeq + i).padStart(25, '0')}`,
    at: new Date(startMs + (firstSeq + i) * 1000).toISOString(),
    v: currentVersion(event.type),
  })) as StoredEvent[];
}
