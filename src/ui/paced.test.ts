import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { paced } from './paced.ts';

describe('paced redraws', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const frame = (f: () => void) => void setTimeout(f, 16);

  it('collapses the calls made while one waits into one run, which sees the latest state', async () => {
    let state = 0;
    const seen: number[] = [];
    const refresh = paced(() => seen.push(state), { frame });
    for (state = 1; state <= 5; state++) refresh();
    state = 5;
    await vi.advanceTimersByTimeAsync(100);
    expect(seen).toEqual([5]);
  });

  it('rests as many times as long as the last run took before the next, and never drops the last call', async () => {
    const runs: number[] = [];
    // Each run blocks for 300 ms of (fake) time, as a software renderer's refresh does.
    const refresh = paced(() => {
      runs.push(performance.now());
      vi.advanceTimersByTime(300);
    }, { frame, rest: 2 });
    refresh();
    await vi.advanceTimersByTimeAsync(20);
    expect(runs).toHaveLength(1);
    refresh();
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toHaveLength(1); // 300 ms run: the next may start 600 ms after it ended
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toHaveLength(2);
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(300 + 600);
  });
});
