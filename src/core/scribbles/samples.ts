/**
 * Training samples from scribbles: one per scribbled voxel of a slice that has features, its
 * feature vector read at the voxel's input pixel with the same bilinear taps the prediction uses
 * (so a head fitted on samples predicts those voxels exactly as it was fitted), and its class.
 * Training on samples rather than whole slices makes a pen-up-to-prediction loop cost
 * milliseconds: only scribbled pixels carry a loss, so the rest would be multiplied by zero.
 */
import { type SliceGeometry, sliceCoordinates } from '../features/slices.ts';
import { voxelPixel } from '../heads/predict.ts';
import { sampleBilinear } from '../heads/resize.ts';
import { mulberry32 } from '../synthetic/random.ts';

export interface ScribbleSamples {
  dim: number;
  /** [N, D] */
  features: Float32Array;
  /** [N, C]: one-hot, scaled by the sample's class weight (the weighted cross-entropy's targets). */
  targets: Float32Array;
  /** [N] class index of each sample */
  classes: Uint8Array;
  /** Samples per class after any thinning. */
  counts: number[];
  /** Per class: N / (classes present x samples of the class); 0 for classes without samples. */
  classWeights: number[];
  /** Scribbled voxels on slices without features (empty slices the extraction skipped). */
  ignored: number;
}

export interface SampleOptions {
  /** Classes with more scribbled voxels are thinned to this many, at random (seeded). */
  maxPerClass?: number;
  seed?: number;
}

/**
 * Class weights that give every scribbled class the same total weight, so many background strokes
 * do not drown a small class (the balanced weighting of scikit-learn's class_weight='balanced').
 */
export function balancedClassWeights(counts: number[]): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? n / (present * c) : 0));
}

export async function scribbleSamples(
  scribbles: Uint8Array,
  g: SliceGeometry,
  featureSlices: number[],
  classCount: number,
  features: (k: number) => Promise<Float32Array>,
  o: SampleOptions = {},
): Promise<ScribbleSamples> {
  const withFeatures = new Set(featureSlices);
  // First the scribbled voxels (cheap), then the features of the slices that hold them.
  const found: { k: number; pixel: number; cls: number }[] = [];
  let ignored = 0;
  for (let i = 0; i < scribbles.length; i++) {
    const v = scribbles[i];
    if (v === 0 || v > classCount) continue;
    const [k, r, c] = sliceCoordinates(g, i);
    if (!withFeatures.has(k)) ignored++;
    else found.push({ k, pixel: voxelPixel(g, r, c), cls: v - 1 });
  }
  found.sort((a, b) => a.k - b.k || a.pixel - b.pixel); // slice by slice, in reading order
  const kept = thin(found, classCount, o.maxPerClass ?? 20000, o.seed ?? 0);
  const counts = new Array<number>(classCount).fill(0);
  for (const s of kept) counts[s.cls]++;
  const classWeights = balancedClassWeights(counts);
  let dim = 0;
  let out = new Float32Array(0);
  const targets = new Float32Array(kept.length * classCount);
  const classes = new Uint8Array(kept.length);
  // Samples come slice by slice (sorted above), so each slice's features are read once.
  let grid: Float32Array | null = null;
  let gridSlice = -1;
  for (const [n, s] of kept.entries()) {
    if (s.k !== gridSlice) {
      [grid, gridSlice] = [await features(s.k), s.k];
      if (dim === 0) {
        dim = grid.length / (g.grid * g.grid);
        out = new Float32Array(kept.length * dim);
      }
    }
    sampleBilinear(grid!, g.grid, g.size, dim, Math.floor(s.pixel / g.size), s.pixel % g.size, out.subarray(n * dim, (n + 1) * dim));
    targets[n * classCount + s.cls] = classWeights[s.cls];
    classes[n] = s.cls;
  }
  return { dim, features: out, targets, classes, counts, classWeights, ignored };
}

/** At most `max` samples per class, chosen at random but the same for the same seed. */
function thin<T extends { cls: number }>(samples: T[], classCount: number, max: number, seed: number): T[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const s of samples) counts[s.cls]++;
  if (counts.every((c) => c <= max)) return samples;
  const rand = mulberry32(seed);
  return samples.filter((s) => counts[s.cls] <= max || rand() < max / counts[s.cls]);
}
