/**
 * Calls made while one is waiting collapse into one, run after the browser has painted and paced
 * to the renderer: the next run waits `rest` times as long as the last one took. A software
 * renderer (SwiftShader) takes a second or more per refresh and shares the CPU with the compute
 * worker, so with the default (5) drawing holds it at most a sixth of the time; on a GPU a refresh
 * takes milliseconds and the pacing is not seen. A stream of live updates draws the latest, never
 * a queue of stale ones; input, painting and the worker get the time in between.
 */
export function paced(run: () => void, options: { rest?: number; frame?: (f: () => void) => void } = {}): () => void {
  const { rest = 5, frame = requestAnimationFrame } = options;
  let pending = false;
  let readyAt = 0;
  const attempt = () =>
    frame(() =>
      setTimeout(() => {
        const wait = readyAt - performance.now();
        if (wait > 0) return void setTimeout(attempt, wait);
        pending = false;
        const start = performance.now();
        run();
        readyAt = performance.now() + rest * (performance.now() - start);
      }, 0),
    );
  return () => {
    if (pending) return;
    pending = true;
    attempt();
  };
}
