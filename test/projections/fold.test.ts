import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/events/catalogue.js';
import { batchesAsOf, eventsAsOf, foldBatches, foldEvents, type AsOf } from '../../src/projections/fold.js';
import { initialState, type MemabraState } from '../../src/projections/state.js';
import { serialiseState } from '../../src/projections/stateCodec.js';
import { domainEventArb } from '../support/eventArbitraries.js';
import { stored } from '../support/fixtures.js';

const logArb = fc.array(domainEventArb, { maxLength: 40 }).map((events) => stored(events));

describe('fold', () => {
  it('folding a log in one go equals folding any split of it', () => {
    fc.assert(
      fc.property(logArb, fc.array(fc.nat(), { maxLength: 5 }), (log, cuts) => {
        const points = [...new Set(cuts.map((c) => (log.length ? c % (log.length + 1) : 0)))].sort((a, b) => a - b);
        let state = initialState;
        let from = 0;
        for (const point of [...points, log.length]) {
          state = foldEvents(state, log.slice(from, point));
          from = point;
        }
        expect(state).toEqual(foldEvents(initialState, log));
      }),
      { numRuns: 200 },
    );
  });

  it('folding a log in one batch equals folding it one event at a time', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        expect(log.reduce((state, event) => foldEvents(state, [event]), initialState)).toEqual(foldEvents(initialState, log));
      }),
      { numRuns: 200 },
    );
  });

  it('folding a stream of batches in one draft (a load) equals folding the whole log, however it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 40 }), async (log, sizes) => {
        async function* batches() {
          let from = 0;
          for (const size of sizes) {
            if (from >= log.length) break;
            yield log.slice(from, (from += size));
          }
          if (from < log.length) yield log.slice(from);
        }
        expect(await foldBatches(initialState, batches())).toEqual(foldEvents(initialState, log));
      }),
      { numRuns: 200 },
    );
  });

  it('as of seq N equals the fold of the first N events', () => {
    fc.assert(
      fc.property(logArb, fc.nat(), (log, n) => {
        const seq = log.length ? n % (log.length + 1) : 0;
        expect(foldEvents(initialState, eventsAsOf(log, { seq }))).toEqual(foldEvents(initialState, log.slice(0, seq)));
      }),
      { numRuns: 200 },
    );
  });

  it('as of a time equals the fold of the events stamped at or before it', () => {
    fc.assert(
      fc.property(logArb, fc.nat(), (log, n) => {
        const cut = log.length ? log[n % log.length]!.at : '2026-01-01T00:00:00.000Z';
        const expected = log.filter((e) => e.at <= cut);
        expect(foldEvents(initialState, eventsAsOf(log, { time: cut }))).toEqual(foldEvents(initialState, expected));
      }),
      { numRuns: 100 },
    );
  });

  it('as of a seq or a time, a stream of batches keeps what the whole log keeps, in no empty batch, however it is cut', async () => {
    const asOfArb = fc.oneof(
      fc.nat({ max: 41 }).map((seq) => ({ seq })),
      fc.nat().map((n) => ({ pick: n })),
    );
    await fc.assert(
      fc.asyncProperty(logArb, fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 40 }), asOfArb, async (log, sizes, chosen) => {
        // A time cut is taken at an event's own stamp, so cuts between equal stamps are reached too.
        const asOf: AsOf = 'seq' in chosen ? chosen : { time: log.length ? log[chosen.pick % log.length]!.at : '2026-01-01T00:00:00.000Z' };
        const cut: StoredEvent[][] = [];
        let from = 0;
        for (const size of sizes) if (from < log.length) cut.push(log.slice(from, (from += size)));
        if (from < log.length) cut.push(log.slice(from));
        let read = 0;
        async function* batches() {
          for (const batch of cut) {
            read++;
            yield batch;
          }
        }
        const kept: StoredEvent[][] = [];
        for await (const batch of batchesAsOf(batches(), asOf)) kept.push([...batch]);
        expect(kept.flat()).toEqual([...eventsAsOf(log, asOf)]);
        expect(kept.filter((batch) => batch.length === 0)).toEqual([]);
        // Reading stops at the first batch that reaches past asOf.
        const past = cut.findIndex((batch) => batch.length > [...eventsAsOf(batch, asOf)].length);
        expect(read).toBe(past < 0 ? cut.length : past + 1);
      }),
      { numRuns: 200 },
    );
  });

  it('never changes the state it was given', () => {
    // The binary sections (the id and case indexes) included.
    const image = (state: MemabraState) => {
      const { data, sections } = serialiseState(state);
      return JSON.stringify({ data, sections: sections.map((bytes) => Buffer.from(bytes).toString('base64')) });
    };
    fc.assert(
      fc.property(logArb, logArb, (a, b) => {
        const first = foldEvents(initialState, a);
        const before = image(first);
        foldEvents(
          first,
          stored(
            b.map(({ type, data }) => ({ type, data }) as never),
            a.length + 1,
          ),
        );
        expect(image(first)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});
