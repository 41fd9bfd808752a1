import { describe, expect, it } from 'vitest';
import { createWriteQueue } from '../../../src/infra/http/writeQueue.js';

describe('createWriteQueue', () => {
  it('runs tasks one at a time, in the order they came, whatever each takes', async () => {
    const queue = createWriteQueue();
    const events: string[] = [];
    let running = 0;
    const task = (name: string, ticks: number) => async () => {
      running++;
      expect(running).toBe(1);
      events.push(`start ${name}`);
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      events.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([queue(task('a', 5)), queue(task('b', 0)), queue(task('c', 2))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('gives a failure to its own caller only, and goes on with the next task', async () => {
    const queue = createWriteQueue();
    const failed = queue(async () => {
      throw new Error('refused');
    });
    const next = queue(async () => 'done');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('done');
  });
});
