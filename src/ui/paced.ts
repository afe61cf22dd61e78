/**
 * Calls made while one is waiting collapse into one, run after the browser has painted and paced
 * to the renderer: a software renderer (SwiftShader) takes a second or more per refresh, so the
 * next one waits twice as long as the last took. A stream of live updates draws the latest, never
 * a queue of stale ones; input, painting and the compute worker get the time in between.
 */
export function paced(run: () => void, frame: (f: () => void) => void = requestAnimationFrame): () => void {
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
        readyAt = performance.now() + 2 * (performance.now() - start);
      }, 0),
    );
  return () => {
    if (pending) return;
    pending = true;
    attempt();
  };
}
