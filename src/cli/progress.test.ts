import { describe, expect, it } from 'vitest';
import { progressPhase, progressReporter } from './progress.ts';

function recorder(isTTY: boolean) {
  const out: string[] = [];
  let clock = 0;
  const reporter = progressReporter({ isTTY, write: (s: string) => out.push(s) }, { intervalMs: 1000, now: () => clock, width: 20 });
  return { out, reporter, tick: (ms: number) => (clock += ms) };
}

describe('progressReporter', () => {
  it('names a phase by its words, not its counts', () => {
    expect(progressPhase('pat1: features 12/140')).toBe(progressPhase('pat1: features 13/140'));
    expect(progressPhase('training: step 10, epoch 1/20, loss 0.412')).toBe('training: step #, epoch #/#, loss #');
    expect(progressPhase('pat1: features 12/140')).not.toBe(progressPhase('pat1: predicting'));
  });

  it('in a log: a line as each phase starts, one per interval within it, and where each phase ended', () => {
    const { out, reporter, tick } = recorder(false);
    for (let i = 1; i <= 5; i++) {
      reporter.update(`a: features ${i}/5`);
      tick(400); // updates at 0, 400, 800, 1200, 1600 ms: the one at 1200 is an interval past the first
    }
    reporter.update('a: predicting');
    reporter.update('b: features 1/2');
    reporter.update('b: features 2/2');
    reporter.finish();
    expect(out).toEqual(['a: features 1/5\n', 'a: features 4/5\n', 'a: features 5/5\n', 'a: predicting\n', 'b: features 1/2\n', 'b: features 2/2\n']);
    expect(out.join('')).not.toContain('\r');
  });

  it('in a log, finish writes nothing when the last state is already there', () => {
    const { out, reporter } = recorder(false);
    reporter.update('a: predicting');
    reporter.finish();
    expect(out).toEqual(['a: predicting\n']);
  });

  it('on a terminal: one line redrawn in place, padded and cut to the width, closed once', () => {
    const { out, reporter } = recorder(true);
    reporter.update('short');
    reporter.update('a line longer than twenty characters');
    reporter.finish();
    reporter.finish();
    expect(out).toEqual([`\r${'short'.padEnd(20)}`, '\ra line longer than t', '\n']);
  });
});
