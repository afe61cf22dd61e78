/** Median, min and max of run times, as every bench reports them (the machine is noisy: never one run). */
export function summary(ms: number[]): { median: number; min: number; max: number; runs: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: +s[s.length >> 1].toFixed(1), min: +s[0].toFixed(1), max: +s[s.length - 1].toFixed(1), runs: s.length };
}
