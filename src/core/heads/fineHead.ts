/**
 * Heads that predict each voxel, not each 14-pixel patch: a small network over the voxel's
 * full-resolution inputs (voxels/voxelFeatures.ts) and the backbone's patch features read at the
 * voxel's input pixel with the prediction's bilinear taps, optionally those of neighbouring slices
 * (2.5D) and of several channel mappings. Trained on voxels drawn per label and weighted back, so
 * the loss estimates the loss over whole volumes; predicted slice by slice with the first layer
 * applied to the patch grid before the bilinear read (both are linear, so this is exact and
 * costs a 16 x 16 grid per slice instead of every voxel).
 */
import type { SliceGeometry } from '../features/slices.ts';
import { sliceCoordinates, voxelIndex } from '../features/slices.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { mulberry32 } from '../synthetic/random.ts';
import { halfTable } from '../weights/f16.ts';
import { boxIndex, type VoxelFeatures } from '../voxels/voxelFeatures.ts';
import { adam } from './adam.ts';
import { DEFAULT_LOSS, type LossWeights, weightedSegmentationLoss } from './loss.ts';
import { createMlpHead, fitStandardisation, type MlpHead, mlpBackward, mlpForward } from './mlpHead.ts';
import { voxelPixel } from './predict.ts';
import { sampleBilinear } from './resize.ts';
import { regionsLabel, softmaxLabels, targets as taskTargets, type TaskSpec } from './tasks.ts';

/** One mapping's cached patch features on one plane. */
export interface PatchBlock {
  name: string;
  g: SliceGeometry;
  slices: number[];
  dim: number;
  features: (k: number) => Promise<Float32Array>;
}

/** What a voxel head reads: which inputs, and how many neighbouring slices of patch features. */
export interface VoxelInputs {
  voxels: boolean;
  /** 0: the slice itself; r: slices k - r .. k + r (2.5D). Ignored without patch blocks. */
  context: number;
}

export interface FineCase {
  id: string;
  dims: Dims3;
  labels?: Uint8Array;
  voxels: VoxelFeatures;
  /** Patch features (empty for a head on voxel inputs alone). */
  blocks: PatchBlock[];
}

export interface FineSamples {
  /** Names of the leading voxel-input columns (empty when the head reads none). */
  voxelNames: string[];
  rows: Float32Array;
  targets: Float32Array;
  weights: Float32Array;
  n: number;
  width: number;
}

/** Input columns: the voxel maps, then per block and context offset that block's dim. */
export function inputWidth(voxelMaps: number, blocks: { dim: number }[], i: VoxelInputs): number {
  return (i.voxels ? voxelMaps : 0) + blocks.reduce((s, b) => s + b.dim, 0) * (2 * i.context + 1);
}

const nearestTables = new WeakMap<PatchBlock, Int32Array>();

/** The nearest slice with features to k + offset (slices without head have none). */
function neighbour(block: PatchBlock, k: number, offset: number): number {
  let table = nearestTables.get(block);
  if (!table) {
    // One table per block: tri-planar prediction asks once per voxel and tap.
    table = new Int32Array(block.g.count);
    for (let want = 0; want < table.length; want++) {
      let best = block.slices[0];
      for (const s of block.slices) if (Math.abs(s - want) < Math.abs(best - want)) best = s;
      table[want] = best;
    }
    nearestTables.set(block, table);
  }
  return table[Math.max(0, Math.min(table.length - 1, k + offset))];
}

/**
 * Background this close to the tumour is drawn on its own: it is where the whole tumour's border
 * is decided, and at 30,000 of a brain's ~1.4 million background voxels it would get ~2 % of
 * the draws. Measured on the real cases here: WT / TC / ET Dice +0.005 / +0.012 / +0.006 over
 * four seeds, with the spread between seeds smaller.
 */
export const NEAR_TUMOUR_MM = 10;

export interface SampleOptions {
  /** Most voxels drawn per label value (0, 1, 2, 4) a case; fewer when the inputs are wide. */
  perLabel?: number;
  /** Background within this many mm of the tumour is drawn as a stratum of its own (0: none). */
  nearBandMm?: number;
  /** Whether a voxel's slice (along the first block's plane, or z) may train. */
  mayTrain?: (slice: number) => boolean;
  seed: number;
}

/**
 * Training voxels of one case: brain voxels, at most `perLabel` per label value (background near
 * the tumour and far from it counted apart), each weighted by 1 / (its stratum's drawing rate).
 */
export async function fineSamples(c: FineCase, spec: TaskSpec, inputs: VoxelInputs, o: SampleOptions): Promise<FineSamples> {
  if (!c.labels) throw new Error(`case ${c.id} has no label map to train on`);
  const v = c.voxels;
  const width = inputWidth(v.maps.length, c.blocks, inputs);
  const plane = c.blocks[0]?.g;
  const sliceOf = (voxel: number) => (plane ? sliceCoordinates(plane, voxel)[0] : Math.floor(voxel / (c.dims[0] * c.dims[1])));
  // Candidates per label, on the case's grid.
  const byLabel = new Map<number, number[]>();
  const band = o.nearBandMm ?? NEAR_TUMOUR_MM;
  const near = band > 0 ? dilate(c.labels, c.dims, v.spacing.map((mm) => Math.round(band / mm)) as Dims3) : null;
  const [sx, sy, sz] = v.size;
  const [nx, ny] = c.dims;
  for (let z = 0; z < sz; z++) {
    for (let y = 0; y < sy; y++) {
      for (let x = 0; x < sx; x++) {
        const b = x + sx * (y + sy * z);
        if (!v.brain[b]) continue;
        const voxel = v.origin[0] + x + nx * (v.origin[1] + y + ny * (v.origin[2] + z));
        if (o.mayTrain && !o.mayTrain(sliceOf(voxel))) continue;
        const l = near && c.labels[voxel] === 0 && near[voxel] ? -1 : c.labels[voxel];
        let list = byLabel.get(l);
        if (!list) byLabel.set(l, (list = []));
        list.push(voxel);
      }
    }
  }
  // Wide inputs (many patch dims) draw fewer voxels, so samples stay near 100 MB.
  const perLabel = Math.min(o.perLabel ?? 30000, Math.floor(25e6 / Math.max(width, 1) / Math.max(byLabel.size, 1)));
  const rand = mulberry32(o.seed);
  const chosen: { voxel: number; weight: number }[] = [];
  for (const [, list] of [...byLabel].sort((a, b) => a[0] - b[0])) {
    const rate = Math.min(1, perLabel / list.length);
    for (const voxel of list) if (rate === 1 || rand() < rate) chosen.push({ voxel, weight: 1 / rate });
  }
  const n = chosen.length;
  const rows = new Float32Array(n * width);
  const weights = Float32Array.from(chosen, (s) => s.weight);
  const targets = taskTargets(spec, chosen.map((s) => c.labels![s.voxel]));
  await fillRows(c, inputs, chosen.map((s) => s.voxel), rows, width);
  return { voxelNames: inputs.voxels ? v.names : [], rows, targets, weights, n, width };
}

/** Voxels within r[axis] voxels along each axis (a box) of a non-zero label. */
export function dilate(labels: Uint8Array, dims: Dims3, r: Dims3): Uint8Array {
  let cur = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) cur[i] = labels[i] > 0 ? 1 : 0;
  const strides = [1, dims[0], dims[0] * dims[1]];
  for (let a = 0; a < 3; a++) {
    const n = dims[a];
    const st = strides[a];
    const next = new Uint8Array(cur.length);
    for (let start = 0; start < cur.length; start++) {
      // line starts: coordinate along axis a is 0
      if (Math.floor(start / st) % n !== 0) continue;
      let last = -Infinity;
      for (let i = 0; i < n; i++) {
        if (cur[start + i * st]) last = i;
        if (i - last <= r[a]) next[start + i * st] = 1;
      }
      last = Infinity;
      for (let i = n - 1; i >= 0; i--) {
        if (cur[start + i * st]) last = i;
        if (last - i <= r[a]) next[start + i * st] = 1;
      }
    }
    cur = next;
  }
  return cur;
}

/** Writes each voxel's input row: voxel maps, then the patch features read at its input pixel. */
export async function fillRows(c: FineCase, inputs: VoxelInputs, voxels: number[], rows: Float32Array, width: number): Promise<void> {
  const v = c.voxels;
  const F = inputs.voxels ? v.maps.length : 0;
  const half = halfTable();
  voxels.forEach((voxel, i) => {
    const b = boxIndex(v, voxel);
    for (let f = 0; f < F; f++) rows[i * width + f] = half[v.maps[f][b]];
  });
  if (!c.blocks.length) return;
  let col = F;
  for (const block of c.blocks) {
    const g = block.g;
    // Sorted by slice so each slice's features are read once.
    const order = voxels.map((voxel, i) => ({ i, at: sliceCoordinates(g, voxel) })).sort((a, b) => a.at[0] - b.at[0]);
    for (let off = -inputs.context; off <= inputs.context; off++) {
      let current = -1;
      let grid: Float32Array | null = null;
      for (const { i, at } of order) {
        const k = neighbour(block, at[0], off);
        if (k !== current) [grid, current] = [await block.features(k), k];
        const pixel = voxelPixel(g, at[1], at[2]);
        sampleBilinear(grid!, g.grid, g.size, block.dim, Math.floor(pixel / g.size), pixel % g.size, rows.subarray(i * width + col, i * width + col + block.dim));
      }
      col += block.dim;
    }
  }
}

export interface FineTrainOptions {
  spec: TaskSpec;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  loss?: LossWeights;
  /** Intensity jitter of the voxel inputs per training row (0: none); see jitterPlan. */
  jitter?: number;
  /**
   * 'cosine' (default): the learning rate falls to 0 over the run, so the head ends where the
   * loss settled rather than at one noisy step of a constant rate; 'constant' keeps it.
   */
  schedule?: 'constant' | 'cosine';
}

/**
 * How each voxel-input column moves when its modality's intensities become a z + b: the
 * intensity and its smoothings (masked smoothing keeps constants) move affinely, the gradient
 * and the asymmetry scale, depth stays. Jittering a and b per row teaches the head that a
 * scanner's or a z-score's offset is not tissue: z-scores shift with how much tumour a brain holds.
 */
export type JitterPlan = { group: number; affine: boolean }[];

export function jitterPlan(names: string[]): JitterPlan {
  const groups = [...new Set(names.map((n) => n.split(':')[0]).filter((g) => g !== 'brain'))];
  return names.map((n) => {
    const [m, kind] = n.split(':');
    return { group: groups.indexOf(m), affine: kind === 'z' || /^g\d/.test(kind) };
  });
}

/** Per row and modality, a in [1 - amount, 1 + amount] and b in [-amount, amount], in place. */
export function jitterRows(rows: Float32Array, n: number, width: number, plan: JitterPlan, amount: number, rand: () => number): void {
  const groups = Math.max(0, ...plan.map((p) => p.group + 1));
  const gain = new Float32Array(groups);
  const shift = new Float32Array(groups);
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < groups; g++) {
      gain[g] = 1 + amount * (2 * rand() - 1);
      shift[g] = amount * (2 * rand() - 1);
    }
    const row = i * width;
    for (let f = 0; f < plan.length; f++) {
      const p = plan[f];
      if (p.group >= 0) rows[row + f] = rows[row + f] * gain[p.group] + (p.affine ? shift[p.group] : 0);
    }
  }
}

/** Adam over random mini-batches of samples; one epoch is one pass. Yields after each step. */
export function* trainFineHead(head: MlpHead, s: FineSamples, o: FineTrainOptions): Generator<{ step: number; epoch: number; loss: number }> {
  fitStandardisation(head, s.rows, s.n);
  const optimizer = adam(o.learningRate);
  const rand = mulberry32(o.seed);
  const C = head.channels;
  const B = Math.min(o.batchSize, s.n);
  const rows = new Float32Array(B * s.width);
  const targets = new Float32Array(B * C);
  const weights = new Float32Array(B);
  const perEpoch = Math.ceil(s.n / B);
  const plan = o.jitter ? jitterPlan(s.voxelNames) : [];
  const total = o.epochs * perEpoch;
  const rate = (t: number) => ((o.schedule ?? 'cosine') === 'cosine' ? 0.5 * (1 + Math.cos((Math.PI * t) / total)) : 1);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let it = 0; it < perEpoch; it++) {
      for (let b = 0; b < B; b++) {
        const j = Math.floor(rand() * s.n);
        rows.set(s.rows.subarray(j * s.width, (j + 1) * s.width), b * s.width);
        targets.set(s.targets.subarray(j * C, (j + 1) * C), b * C);
        weights[b] = s.weights[j];
      }
      if (plan.length) jitterRows(rows, B, s.width, plan, o.jitter!, rand);
      const a = mlpForward(head, rows, B);
      const { loss, gradient } = weightedSegmentationLoss(o.spec, a.logits, targets, weights, o.loss ?? DEFAULT_LOSS);
      const grads = mlpBackward(head, a, gradient);
      optimizer.step(head.layers.flatMap((l) => [l.w, l.b]), grads.flatMap((g) => [g.w, g.b]), rate(step));
      yield { step: ++step, epoch, loss };
    }
  }
}

export function createFineHead(width: number, hidden: number[], spec: TaskSpec, seed: number): MlpHead {
  return createMlpHead(width, hidden, spec.channels.length, seed);
}

/**
 * Per-voxel probabilities [box voxels, C] over the case's brain (0 elsewhere): sigmoid outputs,
 * or the softmax. Slice by slice along the first block's plane (or z without blocks).
 */
/**
 * `along`: the slices `only` counts along, for a head without patch blocks (their plane rules
 * otherwise); default the axial slices of the case's grid.
 */
export async function predictFineProbabilities(head: MlpHead, c: FineCase, spec: TaskSpec, inputs: VoxelInputs, onSlice?: (done: number, total: number) => void, only?: number[], along?: SliceGeometry): Promise<Float32Array> {
  const v = c.voxels;
  const C = head.channels;
  const F = inputs.voxels ? v.maps.length : 0;
  const half = halfTable();
  const first = head.layers[0];
  const H = first.out;
  const width = inputWidth(v.maps.length, c.blocks, inputs);
  if (width !== head.inputs) throw new Error(`the head reads ${head.inputs} inputs a voxel; this case gives ${width}: use the same modalities, backbone and mappings it was trained with`);
  // Standardisation folded into the first layer: W' = scale * W, b' = b - sum mean * scale * W.
  const w = new Float32Array(first.w.length);
  const bias = Float32Array.from(first.b);
  for (let k = 0; k < head.inputs; k++) {
    for (let j = 0; j < H; j++) {
      w[k * H + j] = first.w[k * H + j] * head.scale[k];
      bias[j] -= head.mean[k] * w[k * H + j];
    }
  }
  const probs = new Float32Array(v.brain.length * C);
  const rest = { ...head, layers: head.layers.slice(1) };
  const plane = c.blocks[0]?.g ?? along;
  const count = plane ? plane.count : c.dims[2];
  const tap = new Float32Array(H);
  const wanted = only ? new Set(only) : null;
  // Projected grids of blocks on other planes, kept across slices: each is read by many.
  const offPlane = new Map<string, Map<number, Float32Array>>();
  for (let k = 0; k < count; k++) {
    if (wanted && !wanted.has(k)) continue;
    // The slice's brain voxels, and their box indices.
    const voxels: number[] = [];
    if (plane) {
      for (let r = 0; r < plane.rows; r++) {
        for (let col = 0; col < plane.cols; col++) {
          const voxel = voxelIndex(plane, k, r, col);
          const b = boxIndex(v, voxel);
          if (b >= 0 && v.brain[b]) voxels.push(voxel);
        }
      }
    } else {
      const z = k - v.origin[2];
      if (z >= 0 && z < v.size[2]) {
        for (let i = 0; i < v.size[0] * v.size[1]; i++) {
          const b = i + z * v.size[0] * v.size[1];
          if (v.brain[b]) voxels.push(v.origin[0] + (i % v.size[0]) + c.dims[0] * (v.origin[1] + Math.floor(i / v.size[0]) + c.dims[1] * k));
        }
      }
    }
    if (voxels.length) {
      // Each (block, offset) reads its own columns of the first layer; blocks on another plane
      // than the slice's read, per voxel, the slice of their own plane through it.
      const taps: { g: SliceGeometry; grids: Map<number, Float32Array>; sliceOf: (voxel: number) => number }[] = [];
      let col = F;
      for (const [bi, block] of c.blocks.entries()) {
        for (let off = -inputs.context; off <= inputs.context; off++) {
          const key = `${bi}:${off}`;
          const onPlane = block.g.plane === (plane?.plane ?? block.g.plane);
          const cache = onPlane ? new Map<number, Float32Array>() : (offPlane.get(key) ?? offPlane.set(key, new Map()).get(key)!);
          const here = neighbour(block, k, off);
          const sliceOf = onPlane ? () => here : (voxel: number) => neighbour(block, sliceCoordinates(block.g, voxel)[0], off);
          const needed = onPlane ? [here] : [...new Set(voxels.map(sliceOf))];
          for (const kk of needed) if (!cache.has(kk)) cache.set(kk, projectGrid(await block.features(kk), block.g.grid * block.g.grid, block.dim, col, w, H));
          taps.push({ g: block.g, grids: cache, sliceOf });
          col += block.dim;
        }
      }
      const m = voxels.length;
      const hidden = new Float32Array(m * H);
      const relu = head.layers.length > 1;
      for (let i = 0; i < m; i++) {
        const voxel = voxels[i];
        const b = boxIndex(v, voxel);
        const o = i * H;
        for (let j = 0; j < H; j++) hidden[o + j] = bias[j];
        for (let f = 0; f < F; f++) {
          const x = half[v.maps[f][b]];
          if (x === 0) continue;
          const wf = f * H;
          for (let j = 0; j < H; j++) hidden[o + j] += x * w[wf + j];
        }
        for (const t of taps) {
          const [, r, cc] = sliceCoordinates(t.g, voxel);
          const pixel = voxelPixel(t.g, r, cc);
          sampleBilinear(t.grids.get(t.sliceOf(voxel))!, t.g.grid, t.g.size, H, Math.floor(pixel / t.g.size), pixel % t.g.size, tap);
          for (let j = 0; j < H; j++) hidden[o + j] += tap[j];
        }
        if (relu) for (let j = 0; j < H; j++) if (hidden[o + j] < 0) hidden[o + j] = 0;
      }
      const logits = rest.layers.length ? mlpForward({ ...rest, inputs: H, mean: new Float32Array(H), scale: new Float32Array(H).fill(1) }, hidden, m).logits : hidden;
      for (let i = 0; i < m; i++) toProbabilities(spec, logits, i * C, probs, boxIndex(v, voxels[i]) * C);
    }
    onSlice?.(k + 1, count);
  }
  return probs;
}

/** The first layer's columns col .. col + D over a patch grid: [P, D] x [D, H]. */
function projectGrid(grid: Float32Array, P: number, D: number, col: number, w: Float32Array, H: number): Float32Array {
  const out = new Float32Array(P * H);
  for (let p = 0; p < P; p++) {
    for (let d = 0; d < D; d++) {
      const x = grid[p * D + d];
      if (x === 0) continue;
      const wk = (col + d) * H;
      for (let j = 0; j < H; j++) out[p * H + j] += x * w[wk + j];
    }
  }
  return out;
}

function toProbabilities(spec: TaskSpec, logits: Float32Array, o: number, out: Float32Array, at: number): void {
  const C = spec.channels.length;
  if (spec.activation === 'sigmoid') {
    for (let c = 0; c < C; c++) out[at + c] = 1 / (1 + Math.exp(-logits[o + c]));
    return;
  }
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, logits[o + c]);
  let z = 0;
  for (let c = 0; c < C; c++) z += out[at + c] = Math.exp(logits[o + c] - max);
  for (let c = 0; c < C; c++) out[at + c] /= z;
}

/**
 * Studio labels on the case's grid from box probabilities. For BraTS regions, `hierarchy` keeps
 * ET only inside TC and TC only inside WT (a voxel is enhancing only if all three outputs say
 * so); without it each output stands alone and the label is the innermost region that fires.
 */
export function labelsFromProbabilities(spec: TaskSpec, probs: Float32Array, v: Pick<VoxelFeatures, 'origin' | 'size' | 'dims' | 'brain'>, hierarchy: boolean): Uint8Array {
  const C = spec.channels.length;
  const [nx, ny, nz] = v.dims;
  const out = new Uint8Array(nx * ny * nz);
  const [sx, sy, sz] = v.size;
  const labels = spec.activation === 'softmax' ? softmaxLabels(spec) : [];
  for (let z = 0; z < sz; z++) {
    for (let y = 0; y < sy; y++) {
      for (let x = 0; x < sx; x++) {
        const b = x + sx * (y + sy * z);
        if (!v.brain[b]) continue;
        const o = b * C;
        let label = 0;
        if (spec.task === 'regions') {
          label = regionsLabel(probs[o] > 0.5, probs[o + 1] > 0.5, probs[o + 2] > 0.5, hierarchy);
        } else if (spec.task === 'binary') label = probs[o] > 0.5 ? 1 : 0;
        else {
          let best = 0;
          for (let c = 1; c < C; c++) if (probs[o + c] > probs[o + best]) best = c;
          label = labels[best];
        }
        out[v.origin[0] + x + nx * (v.origin[1] + y + ny * (v.origin[2] + z))] = label;
      }
    }
  }
  return out;
}
