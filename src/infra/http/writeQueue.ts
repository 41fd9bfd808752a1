/**
 * Runs tasks one at a time, in arrival order. The server funnels every write of its clients through one
 * queue, so concurrent requests never race each other for the log's next seq (each would read, decide,
 * find the log moved and decide again); they wait their turn instead. A failed task does not stop the next.
 */
export type WriteQueue = <T>(task: () => Promise<T>) => Promise<T>;

export function createWriteQueue(): WriteQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
