/**
 * How routers explore by default. A module without imports, so the CLI's help can show the defaults without
 * loading the domain's modules.
 */

/** How much `route` explores, by default (`init --exploration-rate`). */
export const DEFAULT_EXPLORATION_RATE = 0.1;

/**
 * The baseline rule spends all its exploration on its runner-up route: the alternative a successor most
 * often needs evidence of, and, judged on the rule's own traffic, the only one a challenger may leave the
 * rule for (`departuresFor` in cycle.ts), so every held-out trajectory that judges the move weighs 10 and
 * none weighs 100 (docs/learning.md, "Exploration and propensities"). The learned routers that replace it
 * keep half of theirs uniform (`LEARNED_RUNNER_UP_SHARE`).
 */
export const DEFAULT_RUNNER_UP_SHARE = 1;

/**
 * Learned routers keep at least half their exploration uniform: their successors may leave them for any
 * route, and a route their log never tries cannot be judged on it (the held-out judge counts such choices
 * at the worst outcome).
 */
export const LEARNED_RUNNER_UP_SHARE = 0.5;

/**
 * What `init`'s exploration options say, at the CLI and over MCP alike, from the defaults themselves.
 */
export const EXPLORATION_HELP = {
  explorationRate: `probability of exploring at route time (default ${DEFAULT_EXPLORATION_RATE})`,
  runnerUpShare:
    `share of exploration spent on the runner-up route, the rest uniform (default ${DEFAULT_RUNNER_UP_SHARE}: ` +
    `the rule explores only its runner-up; the learned routers that replace it at most ${LEARNED_RUNNER_UP_SHARE})`,
} as const;
