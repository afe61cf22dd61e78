/** Training targets of one slice in the input's pixels: the label under each pixel centre, nearest voxel. */
import { extractSlice, type SliceGeometry, voxelAtInput } from '../features/slices.ts';
import { targets, type TaskSpec } from './tasks.ts';
import type { TrainingSlice } from './train.ts';

export function sliceTargets(labels: Uint8Array, g: SliceGeometry, k: number, spec: TaskSpec): { targets: Float32Array; weights: Float32Array } {
  const slice = extractSlice(labels, g, k);
  const S = g.size;
  const pixelLabels = new Uint8Array(S * S);
  const weights = new Float32Array(S * S);
  for (let u = 0; u < S; u++) {
    for (let v = 0; v < S; v++) {
      const voxel = voxelAtInput(g, u + 0.5, v + 0.5);
      if (!voxel) continue; // padding: weight 0
      pixelLabels[u * S + v] = slice[voxel[0] * g.cols + voxel[1]];
      weights[u * S + v] = 1;
    }
  }
  // Targets are zero in the padding for every task (no background there either), so the loss
  // never has to mask them.
  const t = targets(spec, pixelLabels);
  const C = spec.channels.length;
  for (let i = 0; i < S * S; i++) if (!weights[i]) t.fill(0, i * C, (i + 1) * C);
  return { targets: t, weights };
}

/**
 * Training slices for a schedule (which may repeat slices, see trainingSchedule): each distinct
 * slice's features are read and its targets built once, and repeats share them.
 */
export async function trainingData(
  schedule: number[],
  labels: Uint8Array,
  g: SliceGeometry,
  spec: TaskSpec,
  features: (k: number) => Promise<Float32Array>,
): Promise<TrainingSlice[]> {
  const distinct = [...new Set(schedule)];
  const built = new Map(await Promise.all(distinct.map(async (k) => [k, { slice: k, features: await features(k), ...sliceTargets(labels, g, k, spec) }] as const)));
  return schedule.map((k) => built.get(k)!);
}
