/** Median, min and max of run times, as every bench reports them (the machine is noisy: never one run). */
export function summary(ms: number[], digits = 1): { median: number; min: number; max: number; runs: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: +s[s.length >> 1].toFixed(digits), min: +s[0].toFixed(digits), max: +s[s.length - 1].toFixed(digits), runs: s.length };
}
