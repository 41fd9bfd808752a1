import { monitorEventLoopDelay } from 'node:perf_hooks';

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/** Per-call latencies in microseconds, sorted. */
export async function latencies(count: number, call: (i: number) => unknown | Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call(i);
    out.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The longest the event loop went without running a 1 ms timer while `work` ran: the longest pause a
 * server doing that work would impose on its requests. Both perf_hooks' monitor and a timer probe
 * (which also counts a pause still going on when `work` ends), in milliseconds.
 */
export async function longestPause(work: () => Promise<unknown>): Promise<{ maxPauseMs: number; seconds: number }> {
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  monitor.enable();
  const start = process.hrtime.bigint();
  let last = performance.now();
  let longest = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await work();
  longest = Math.max(longest, performance.now() - last);
  clearInterval(probe);
  monitor.disable();
  return { maxPauseMs: Math.max(longest, monitor.max / 1e6), seconds: seconds(start) };
}
