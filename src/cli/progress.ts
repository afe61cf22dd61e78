/**
 * Progress on stderr. On a terminal one line is redrawn in place; in a log (a pipe, a cluster
 * job's output file) a redrawn line would pile up as thousands of carriage returns, so there
 * a line is written when the work enters a phase, at most every `intervalMs` within one, and
 * where each phase ended (features 140/140, not the 131/140 the interval last caught).
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressReporter {
  update(text: string): void;
  /** Ends the progress: the terminal's line is closed, a log gets the state it ended in. */
  finish(): void;
}

/** "case: features 12/140" and "case: features 13/140" are one phase: the numbers are how far. */
export const progressPhase = (text: string) => text.replace(/-?\d+(\.\d+)?/g, '#');

export function progressReporter(stream: ProgressStream, options: { intervalMs?: number; now?: () => number; width?: number } = {}): ProgressReporter {
  const { intervalMs = 30_000, now = () => performance.now(), width = 100 } = options;
  let phase: string | null = null;
  let writtenAt = -Infinity;
  let unwritten: string | null = null;
  let drawn = false;
  if (stream.isTTY) {
    return {
      update(text) {
        stream.write(`\r${text.slice(0, width).padEnd(width)}`);
        drawn = true;
      },
      finish() {
        if (drawn) stream.write('\n');
        drawn = false;
      },
    };
  }
  return {
    update(text) {
      const p = progressPhase(text);
      const t = now();
      if (p !== phase && unwritten !== null) stream.write(`${unwritten}\n`); // where the last phase ended
      if (p !== phase || t - writtenAt >= intervalMs) {
        stream.write(`${text}\n`);
        phase = p;
        writtenAt = t;
        unwritten = null;
      } else {
        unwritten = text;
      }
    },
    finish() {
      if (unwritten !== null) stream.write(`${unwritten}\n`);
      unwritten = null;
    },
  };
}
