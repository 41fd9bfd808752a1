/** What a decide function needs from the outside world, passed in so decisions replay exactly. */
export type DecideContext = {
  /** ISO-8601 time of the decision. */
  readonly now: string;
  /** A fresh ULID each call. */
  readonly newId: () => string;
};
