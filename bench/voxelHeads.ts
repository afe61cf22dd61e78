/**
 * Voxel heads in Node, plain JavaScript as in the worker: steps/s per head (mini-batches of 4096
 * voxels drawn from 32 slices of a 240 x 240 x 155 synthetic case, 384-d patch features where the
 * head reads them, reduced to the default's principal components as the worker does, and once at
 * all 384 dims), the filter bank's seconds per case, and seconds to predict the whole volume.
 * Steps are timed interleaved across heads over 15 rounds: medians with min and max. The
 * tri-planar head's prediction includes generating its 635 slices' stand-in features.
 */
import { sliceGeometry } from '../src/core/features/slices.ts';
import { createFineHead, type FineCase, fineSamples, predictFineProbabilities, trainFineHead } from '../src/core/heads/fineHead.ts';
import { fitPatchProjection, projectBlock } from '../src/core/heads/patchProjection.ts';
import { DEFAULT_HEAD, HEAD_NAMES, type HeadKind, usesBackbone, usesVoxelInputs } from '../src/core/heads/headSettings.ts';
import { taskSpec } from '../src/core/heads/tasks.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';
import { computeVoxelFeatures } from '../src/core/voxels/voxelFeatures.ts';
import { summary } from './stats.ts';

const stats = (xs: number[]) => summary(xs);

export async function benchVoxelHeads() {
  const c = generateSyntheticCase({ seed: 1 });
  const spacing: [number, number, number] = [1, 1, 1];
  const t0 = performance.now();
  const voxels = computeVoxelFeatures({ dims: c.dims, spacing, volumes: c.modalities });
  const filterBankSeconds = (performance.now() - t0) / 1000;
  const g = sliceGeometry(c.dims, spacing, 'axial', 224);
  const dim = 384;
  const grid = (k: number) => Float32Array.from({ length: g.grid * g.grid * dim }, (_, i) => Math.sin(i * 0.01 + k));
  const slices = [...Array(32).keys()].map((i) => 60 + i);
  const cache = new Map<number, Float32Array>();
  const features = async (k: number) => cache.get(k) ?? (cache.set(k, grid(k)), cache.get(k)!);
  const spec = taskSpec('regions');
  const kinds: (HeadKind | 'tri-planar' | 'all dims')[] = ['voxels', 'fine', 'all dims', 'mlp', 'tri-planar'];
  // Tri-planar: all slices of the other two planes, generated on demand (not held: 384-d grids of 635 slices).
  const other = (plane: 'coronal' | 'sagittal') => {
    const og = sliceGeometry(c.dims, spacing, plane, 224);
    return { name: plane, g: og, slices: [...Array(og.count).keys()], dim, features: async (k: number) => grid(k) };
  };
  const runs = await Promise.all(
    kinds.map(async (name) => {
      const kind: HeadKind = name === 'tri-planar' || name === 'all dims' ? 'fine' : name;
      const raw = usesBackbone(kind) ? [{ name: 'm', g, slices, dim, features }, ...(name === 'tri-planar' ? [other('coronal'), other('sagittal')] : [])] : [];
      const components = name === 'all dims' ? 0 : DEFAULT_HEAD.components;
      const blocks = components ? await Promise.all(raw.map(async (b) => projectBlock(b, await fitPatchProjection([{ ...b, slices: b.slices.slice(0, 32) }], components)))) : raw;
      const fc: FineCase = { id: 'bench', dims: c.dims, labels: c.labels, voxels, blocks };
      const inputs = { voxels: usesVoxelInputs(kind), context: 0 };
      const samples = await fineSamples(fc, spec, inputs, { seed: 0, mayTrain: (k) => slices.includes(k) });
      const head = createFineHead(samples.width, DEFAULT_HEAD.hidden, spec, 0);
      const jitter = usesVoxelInputs(kind) ? DEFAULT_HEAD.jitter : 0;
      return { name, kind, components, fc, inputs, head, steps: trainFineHead(head, samples, { spec, epochs: 1000, batchSize: DEFAULT_HEAD.voxelBatch, learningRate: 0.01, seed: 0, jitter }), ms: [] as number[] };
    }),
  );
  for (const r of runs) r.steps.next(); // warm-up
  for (let round = 0; round < 15; round++) {
    for (const r of runs) {
      const t = performance.now();
      r.steps.next();
      r.ms.push(performance.now() - t);
    }
  }
  const heads = [];
  for (const r of runs) {
    const p0 = performance.now();
    await predictFineProbabilities(r.head, r.fc, spec, r.inputs);
    const s = stats(r.ms.map((ms) => 1000 / ms));
    heads.push({ head: r.name === r.kind ? HEAD_NAMES[r.kind] : `${HEAD_NAMES.fine}, ${r.name}`, patchComponents: usesBackbone(r.kind) ? r.components || 'all' : '-', hidden: DEFAULT_HEAD.hidden, inputsPerVoxel: r.head.inputs, stepsPerSecond: s, secondsFullVolumePrediction: +((performance.now() - p0) / 1000).toFixed(1) });
  }
  return { bench: 'voxel heads', voxelsPerStep: DEFAULT_HEAD.voxelBatch, trainingSlices: 32, filterBankSecondsPerCase: +filterBankSeconds.toFixed(1), filterBankMaps: voxels.maps.length, heads };
}
