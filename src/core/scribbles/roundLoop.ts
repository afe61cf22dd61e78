/**
 * The loop every scribble round runs, whatever head it fits: steps until done or superseded, the
 * slice in view shown as soon as the time budget is spent and again at the end, messages let in
 * every ~30 ms.
 */
export interface LoopOptions {
  /** ms from the round's start after which the slice is shown, even with steps left. */
  refreshMs: number;
  t0: number;
  /** Shows the slice in view; false when there is none to show. */
  show: () => Promise<boolean>;
  /** Between steps: let messages in, and stop early (a newer round, a cancel) when it says so. */
  pause: () => Promise<boolean>;
}

export async function roundLoop(fit: Iterable<{ step: number; loss: number }>, o: LoopOptions): Promise<{ steps: number; loss: number; stopped: boolean; firstSlice: number }> {
  let firstSlice = NaN;
  const show = async () => {
    if ((await o.show()) && Number.isNaN(firstSlice)) firstSlice = performance.now() - o.t0;
  };
  let steps = 0;
  let loss = NaN;
  let stopped = false;
  let lastPause = performance.now();
  for (const s of fit) {
    steps = s.step;
    loss = s.loss;
    if (Number.isNaN(firstSlice) && performance.now() - o.t0 >= o.refreshMs) await show();
    if (performance.now() - lastPause > 30) {
      if (await o.pause()) {
        stopped = true;
        break;
      }
      lastPause = performance.now();
    }
  }
  if (!stopped) await show();
  return { steps, loss, stopped, firstSlice };
}
