import { InvalidArgumentError } from 'commander';
import { POLICY_DEFAULTS } from '../../events/model/policyDefaults.js';
import type { PolicyOverrides, PromotionPolicy } from '../../events/model/promotionPolicy.js';

type PolicyFlag = {
  readonly key: keyof PromotionPolicy;
  readonly flag: string;
  readonly value: string;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** `off` turns the gate off (null). */
  readonly nullable?: boolean;
  readonly help: string;
  /** Why the default is what it is, shown beside it. */
  readonly why?: string;
};

/**
 * One flag per field of the promotion policy, so the CLI sets everything MCP, HTTP and the library can
 * (a test holds this table to the policy's schema).
 */
export const POLICY_FLAGS: readonly PolicyFlag[] = [
  {
    key: 'minRewardDelta',
    flag: '--min-reward-delta',
    value: 'X',
    min: -1,
    max: 1,
    help: 'the lower confidence bound of the paired reward gain must exceed this',
  },
  {
    key: 'maxErrorRateIncrease',
    flag: '--max-error-rate-increase',
    value: 'X|off',
    min: 0,
    max: 1,
    nullable: true,
    help: 'block when the error rate has confidently risen by more than this share',
    why: 'the reward prices errors',
  },
  {
    key: 'maxLatencyIncreaseMs',
    flag: '--max-latency-increase-ms',
    value: 'MS|off',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    nullable: true,
    help: 'block when the mean latency has confidently risen by more than this',
    why: 'the reward prices work',
  },
  {
    key: 'requiredTaskCount',
    flag: '--required-task-count',
    value: 'N',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    integer: true,
    help: 'benchmark tasks or held-out trajectories needed',
  },
  {
    key: 'maxCategoryRegression',
    flag: '--max-category-regression',
    value: 'X|off',
    min: 0,
    max: 1,
    nullable: true,
    help: "block when a category's mean reward has confidently fallen by more than this",
    why: 'the reward is the judge',
  },
  { key: 'confidenceLevel', flag: '--confidence-level', value: 'P', min: 0.5, max: 0.999, help: 'confidence level of every interval' },
  { key: 'bootstrapResamples', flag: '--bootstrap-resamples', value: 'N', min: 100, max: 100_000, integer: true, help: 'resamples of the paired bootstrap' },
  { key: 'seed', flag: '--seed', value: 'N', min: 0, max: 2 ** 31, integer: true, help: 'seed of the paired bootstrap' },
];

/** The flag's help with the policy's own default, so the two cannot drift apart. */
export function policyFlagHelp(flag: PolicyFlag): string {
  const value = POLICY_DEFAULTS[flag.key];
  return `${flag.help} (default ${value === null ? 'off' : String(value)}${flag.why ? `: ${flag.why}` : ''})`;
}

/** Commander turns a parsed null back into a string, so `off` stays a word until policyOverrides reads it. */
const OFF = 'off';

export function policyFlagParser(flag: PolicyFlag): (text: string) => number | typeof OFF {
  return (text) => {
    if (flag.nullable && text === OFF) return OFF;
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < flag.min || value > flag.max || (flag.integer && !Number.isInteger(value))) {
      throw new InvalidArgumentError(
        `expected ${flag.integer ? 'an integer' : 'a number'} in [${flag.min}, ${flag.max}]${flag.nullable ? ' or "off"' : ''}, got "${text}"`,
      );
    }
    return value;
  };
}

/** The policy fields among parsed options (commander's camel-cased flag names are the policy's keys). */
export function policyOverrides(options: Record<string, unknown>): PolicyOverrides {
  return Object.fromEntries(
    POLICY_FLAGS.filter(({ key }) => options[key] !== undefined).map(({ key }) => [key, options[key] === OFF ? null : options[key]]),
  ) as PolicyOverrides;
}
