import { randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** The real clock, ids and randomness, which only the shell touches; tests pass their own. */
export type Environment = {
  readonly now: () => Date;
  readonly newId: () => string;
  /** Uniform in [0, 1) for exploration. */
  readonly uniform: () => number;
};

export function realEnvironment(): Environment {
  const ulid = monotonicFactory();
  return {
    now: () => new Date(),
    newId: () => ulid(),
    uniform: () => randomInt(0, 2 ** 47) / 2 ** 47,
  };
}
