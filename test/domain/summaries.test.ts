import { describe, expect, it } from 'vitest';
import { decideInit } from '../../src/domain/init.js';
import { decideRegisterBenchmark } from '../../src/domain/registerBenchmark.js';
import { judgingNotes } from '../../src/domain/summaries.js';
import { initialState } from '../../src/projections/state.js';
import { decider } from '../support/givenWhenThen.js';
import { smallSuite } from '../support/learningFixtures.js';

const init = decider(decideInit);
const registerBenchmark = decider(decideRegisterBenchmark);
const suite = smallSuite(20);

describe('judgingNotes', () => {
  it('given a log whose router never explores and no suite, then the note says cycles promote nothing and how to change that', () => {
    init
      .given()
      .when({ explorationRate: 0, runnerUpShare: 1 })
      .thenStateMatches(judgingNotes, [expect.stringMatching(/^v1 never explores \(exploration 0\).*promote nothing.*benchmark use FILE.*--exploration-rate/)]);
  });

  it('given a router that explores, or a registered suite to judge on, then there is nothing to note', () => {
    init.given().when({ explorationRate: 0.1, runnerUpShare: 1 }).thenStateMatches(judgingNotes, []);
    init
      .given()
      .when({ explorationRate: 0, runnerUpShare: 1, benchmark: { suite, storage: { type: 'bundled' } } })
      .thenStateMatches(judgingNotes, []);
  });

  it('given a router that never explores, when a suite is registered later, then the note is gone', () => {
    const silent = init.given().when({ explorationRate: 0, runnerUpShare: 1 }).appended();
    registerBenchmark
      .given(silent)
      .when({ suite, storage: { type: 'bundled' } })
      .thenStateMatches(judgingNotes, []);
  });

  it('given an empty log, then there is nothing to note', () => {
    expect(judgingNotes(initialState)).toEqual([]);
  });
});
