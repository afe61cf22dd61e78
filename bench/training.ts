/**
 * Head training and prediction speed in Node, in plain JavaScript as in the worker:
 * ViT-S/14-sized features (384 per patch) for 32 cached slices at 224, the regions task.
 */
import { sliceGeometry } from '../src/core/features/slices.ts';
import { createLinearHead } from '../src/core/heads/linearHead.ts';
import { predictSliceLabels, predictVolume } from '../src/core/heads/predict.ts';
import { sliceTargets } from '../src/core/heads/sliceTargets.ts';
import { taskSpec } from '../src/core/heads/tasks.ts';
import { type TrainingSlice, trainHead } from '../src/core/heads/train.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';

export async function benchTraining(batchSize = 8) {

  const c = generateSyntheticCase({ seed: 1 });
  const g = sliceGeometry(c.dims, [1, 1, 1], 'axial', 224);
  const spec = taskSpec('regions');
  const dim = 384;
  const features = (k: number) => Float32Array.from({ length: g.grid * g.grid * dim }, (_, i) => Math.sin(i * 0.01 + k));
  const slices = [...Array(32).keys()].map((i) => 60 + i);
  const t0 = performance.now();
  const data: TrainingSlice[] = slices.map((k) => ({ slice: k, features: features(k), ...sliceTargets(c.labels, g, k, spec) }));
  const head = createLinearHead(dim, 3, 0);
  let firstOverlayMs = 0;
  // Median step time after the first epoch (JIT warm-up): this 2-core machine is shared and noisy.
  const stepMs: number[] = [];
  let last = performance.now();
  for await (const s of trainHead(head, data, { spec, grid: g.grid, size: 224, epochs: 10, batchSize, learningRate: 0.01, seed: 0 })) {
    if (s.step === 1) {
      predictSliceLabels(head, spec, g, data[0].features);
      firstOverlayMs = performance.now() - t0;
    } else if (s.epoch > 0) stepMs.push(performance.now() - last);
    last = performance.now();
  }
  stepMs.sort((a, b) => a - b);
  const stepsPerSecond = 1000 / stepMs[stepMs.length >> 1];
  const all = [...Array(140).keys()].map((i) => i + 8);
  const cache = new Map(all.map((k) => [k, features(k)]));
  const p0 = performance.now();
  await predictVolume(head, spec, g, all, async (k) => cache.get(k)!);
  const predictSeconds = (performance.now() - p0) / 1000;
  return {
    bench: 'head',
    backend: 'JavaScript, 1 thread (the head needs no TensorFlow.js backend)',
    slices: 32,
    batchSize,
    stepsPerSecond: +stepsPerSecond.toFixed(1),
    slicesPerSecond: +(stepsPerSecond * batchSize).toFixed(1),
    secondsTrainToFirstOverlay: +(firstOverlayMs / 1000).toFixed(2),
    secondsFullVolumePrediction140Slices: +predictSeconds.toFixed(1),
  };
}
