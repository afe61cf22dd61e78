/**
 * An experiment with a per-voxel head (heads/fineHead.ts): train on some cases' voxels, predict
 * other cases' volumes, clean them up in 3D, score them. Cases are opened one at a time (a lazy
 * case is decoded when its step needs it), so only one case's volumes and voxel inputs are in
 * memory at once, beside the samples drawn from those before it.
 */
import { type CaseInput, type CaseVolumes, openCase } from '../case/case.ts';
import type { RunInputs } from './inputs.ts';
import { type Modality, ROLE_LABELS } from '../case/roles.ts';
import { mappingKey } from '../features/channels.ts';
import { sliceGeometry } from '../features/slices.ts';
import type { FeatureStore } from '../features/store.ts';
import { createFineHead, type FineCase, type FineSamples, fineSamples, labelsFromProbabilities, type PatchBlock, predictFineProbabilities, trainFineHead, type VoxelInputs } from '../heads/fineHead.ts';
import { headPlanes, type HeadSettings, samplesPerCase, usesBackbone, usesVoxelInputs } from '../heads/headSettings.ts';
import type { MlpHead } from '../heads/mlpHead.ts';
import { fitPatchProjection, projectBlock } from '../heads/patchProjection.ts';
import { scoreVolume } from '../heads/predict.ts';
import { taskRegions, taskSpec, type TaskSpec } from '../heads/tasks.ts';
import { postprocess } from '../postprocess/postprocess.ts';
import { caseBrain, computeVoxelFeatures } from '../voxels/voxelFeatures.ts';
import { extractSlice } from '../features/slices.ts';
import { sliceHasTumour, splitSlices } from '../heads/split.ts';
import { perSliceDice, restrictToSlices } from '../metrics/perSlice.ts';
import type { HeldOutResult } from './heldOut.ts';
import { fromF16Array } from '../weights/f16.ts';
import { type Backbone, type CaseResult, type ExperimentSettings, prepareCase, testResult } from './prepare.ts';

/** A case's patch features for a voxel head that reads them: one block per plane and mapping, read from the store. */
async function featureBlocks(c: CaseVolumes, s: ExperimentSettings, h: HeadSettings, backbone: Backbone, store: FeatureStore, onProgress?: (text: string) => void): Promise<PatchBlock[]> {
  const blocks: PatchBlock[] = [];
  if (!usesBackbone(h.head)) return blocks;
  for (const plane of headPlanes(h, s.plane)) {
    for (const mapping of [s.mapping, ...h.extraMappings]) {
      const p = await prepareCase(c, { mapping, plane, size: s.size, layers: h.layers }, backbone, store, onProgress);
      const key = p.key;
      blocks.push({ name: `${mappingKey(mapping)}@${plane}`, g: p.g, slices: p.slices, dim: backbone.dim * h.layers, features: async (k) => fromF16Array((await store.get(key, k))!) });
    }
  }
  return blocks;
}

/**
 * A case with its blocks and its voxel inputs: the filter bank over the modalities the run may
 * read, and nothing else of the case (its brain too comes from those, or from its mask).
 */
function withVoxelInputs(c: CaseVolumes, blocks: PatchBlock[], modalities: Modality[], onProgress?: (text: string) => void): FineCase & { slices: number[] } {
  onProgress?.(`${c.id}: voxel inputs`);
  const volumes = Object.fromEntries(modalities.filter((m) => c.volumes[m]).map((m) => [m, c.volumes[m]]));
  const voxels = computeVoxelFeatures({ ...c, volumes }, { modalities });
  return { id: c.id, dims: c.dims, labels: c.labels, voxels, blocks, slices: blocks[0]?.slices ?? [] };
}

/** A case ready for a voxel head: its voxel inputs and, when the head reads them, patch features per mapping. */
export async function fineCase(c: CaseVolumes, s: ExperimentSettings, h: HeadSettings, backbone: Backbone, store: FeatureStore, modalities: Modality[], onProgress?: (text: string) => void): Promise<FineCase & { slices: number[] }> {
  const missing = modalities.filter((m) => !c.volumes[m]);
  if (usesVoxelInputs(h.head) && missing.length) throw new Error(`case ${c.id} has no ${missing.map((m) => ROLE_LABELS[m]).join(' or ')}, which the head's voxel inputs were trained on`);
  return withVoxelInputs(c, await featureBlocks(c, s, h, backbone, store, onProgress), modalities, onProgress);
}

export const voxelInputsOf = (h: HeadSettings): VoxelInputs => ({ voxels: usesVoxelInputs(h.head), context: h.context });

/** The modalities a case's voxel maps are computed from: the voxel inputs', else (a head that reads none, but needs the brain box) those the run reads. */
export const voxelSource = (i: RunInputs): Modality[] => (i.voxelModalities.length ? i.voxelModalities : i.modalities);

export function mergeSamples(parts: FineSamples[], C: number): FineSamples {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const width = parts[0].width;
  const out: FineSamples = { voxelNames: parts[0].voxelNames, n, width, rows: new Float32Array(n * width), targets: new Float32Array(n * C), weights: new Float32Array(n) };
  let at = 0;
  for (const p of parts) {
    out.rows.set(p.rows, at * width);
    out.targets.set(p.targets, at * C);
    out.weights.set(p.weights, at);
    at += p.n;
  }
  return out;
}

/** Labels of a case from a trained voxel head, cleaned up as the settings say. */
export async function predictFineCase(head: MlpHead, fc: FineCase, spec: TaskSpec, h: HeadSettings): Promise<Uint8Array> {
  const probs = await predictFineProbabilities(head, fc, spec, voxelInputsOf(h));
  return postprocess(labelsFromProbabilities(spec, probs, fc.voxels, h.postprocess.hierarchy), fc.dims, h.postprocess);
}

export async function runFineExperiment(o: {
  train: CaseInput[];
  test: CaseInput[];
  settings: ExperimentSettings;
  head: HeadSettings;
  signal?: AbortSignal;
  backbone: Backbone;
  store: FeatureStore;
  onProgress?: (text: string) => void;
  /** What the run reads (inputs.ts): its voxel inputs come from these modalities only. */
  inputs: RunInputs;
}): Promise<{ head: MlpHead; cases: CaseResult[]; losses: number[]; voxelColumns: string[] }> {
  const { settings: s, head: h } = o;
  const spec = taskSpec(s.task);
  const inputs = voxelInputsOf(h);
  // Test cases must have them too (fineCase says so when one does not).
  const modalities = voxelSource(o.inputs);
  // First the features of every training case: blocks read them from the store, so they hold no
  // case. One projection per mapping is fitted on them and applied to every case.
  const trainBlocks: PatchBlock[][] = [];
  for (const ref of o.train) {
    o.signal?.throwIfAborted();
    trainBlocks.push(await featureBlocks(await openCase(ref), s, h, o.backbone, o.store, o.onProgress));
  }
  const projections = trainBlocks[0]?.length && h.components > 0 ? await Promise.all(trainBlocks[0].map((_, b) => fitPatchProjection(trainBlocks.map((blocks) => blocks[b]), h.components))) : [];
  const project = <T extends FineCase>(fc: T): T => (projections.length ? { ...fc, blocks: fc.blocks.map((b, i) => projectBlock(b, projections[i])) } : fc);
  // Then one case at a time: its voxel inputs (the large part), its samples, and it is let go.
  const parts: FineSamples[] = [];
  for (const [i, ref] of o.train.entries()) {
    o.signal?.throwIfAborted();
    // The case's volumes go as soon as its voxel inputs exist: sampling needs only those and its labels.
    const fc = withVoxelInputs(await openCase(ref), trainBlocks[i], modalities, o.onProgress);
    parts.push(await fineSamples(project(fc), spec, inputs, { seed: s.seed + i, perLabel: samplesPerCase(h, o.train.length) }));
  }
  const samples = mergeSamples(parts, spec.channels.length);
  const voxelColumns = samples.voxelNames;
  parts.length = 0;
  const head = createFineHead(samples.width, h.hidden, spec, s.seed);
  const losses: number[] = [];
  for (const step of trainFineHead(head, samples, { spec, epochs: s.epochs, batchSize: h.voxelBatch, learningRate: s.learningRate, seed: s.seed, jitter: usesVoxelInputs(h.head) ? h.jitter : 0 })) {
    losses.push(step.loss);
    if (step.step % 20 === 0) {
      o.signal?.throwIfAborted();
      o.onProgress?.(`training: step ${step.step}, epoch ${step.epoch + 1}/${s.epochs}, loss ${step.loss.toFixed(3)}`);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  const cases: CaseResult[] = [];
  for (const ref of o.test) {
    o.signal?.throwIfAborted();
    let c: CaseVolumes | null = await openCase(ref);
    const fc = project(await fineCase(c, s, h, o.backbone, o.store, modalities, o.onProgress));
    // Predicting needs the voxel inputs, scoring the labels: the volumes go before either.
    const scored: CaseVolumes = { ...c, volumes: {} };
    c = null;
    o.onProgress?.(`${scored.id}: predicting`);
    const prediction = await predictFineCase(head, fc, spec, h);
    const geometry = fc.blocks[0]?.g ?? sliceGeometry(scored.dims, scored.spacing, s.plane, s.size);
    const slices = fc.slices.length ? fc.slices : Array.from({ length: geometry.count }, (_, k) => k);
    cases.push(testResult(scored, prediction, slices, geometry, s.task));
  }
  return { head, cases, losses, voxelColumns };
}

/**
 * One case, a voxel head: the same contiguous held-out block of slices the linear probe uses
 * (heads/split.ts, by labels and seed only), trained on voxels of the other slices, scored on the
 * held-out block after predicting and cleaning up the whole volume. The caller prepares the case
 * (fineCase here, the worker from its own cache) and sees the head after each step; returning
 * 'stop' ends training early.
 */
export async function heldOutFineRun(o: {
  c: CaseVolumes;
  fc: FineCase & { slices: number[] };
  settings: Pick<ExperimentSettings, 'task' | 'epochs' | 'learningRate' | 'seed' | 'plane' | 'size'> & { validation: number };
  head: HeadSettings;
  onStep?: (step: { step: number; epoch: number; loss: number }, head: MlpHead, fc: FineCase) => Promise<'stop' | void> | 'stop' | void;
}): Promise<HeldOutResult & { fc: FineCase }> {
  const { c, settings: s, head: h } = o;
  if (!c.labels) throw new Error(`case ${c.id} has no label map to train on`);
  const spec = taskSpec(s.task);
  let fc = o.fc;
  const g = fc.blocks[0]?.g ?? sliceGeometry(c.dims, c.spacing, s.plane, s.size);
  const brain = caseBrain(c.volumes, c.brainmask);
  const slices = fc.slices.length ? fc.slices : Array.from({ length: g.count }, (_, k) => k).filter((k) => extractSlice(brain, g, k).some(Boolean));
  const withTumour = slices.filter((k) => sliceHasTumour(c.labels!, g, k));
  if (withTumour.length < 3) throw new Error(`case ${c.id}: the label map has tumour in fewer than 3 slices, too few to train and validate on`);
  const split = splitSlices(withTumour, { validation: s.validation, seed: s.seed });
  if (fc.blocks.length && h.components > 0) {
    const projections = await Promise.all(fc.blocks.map((b) => fitPatchProjection([{ ...b, slices: b.slices.filter(split.mayTrain) }], h.components)));
    fc = { ...fc, blocks: fc.blocks.map((b, i) => projectBlock(b, projections[i])) };
  }
  const samples = await fineSamples(fc, spec, voxelInputsOf(h), { seed: s.seed, mayTrain: split.mayTrain, perLabel: samplesPerCase(h, 1) });
  const head = createFineHead(samples.width, h.hidden, spec, s.seed);
  const losses: number[] = [];
  for (const step of trainFineHead(head, samples, { spec, epochs: s.epochs, batchSize: h.voxelBatch, learningRate: s.learningRate, seed: s.seed, jitter: usesVoxelInputs(h.head) ? h.jitter : 0 })) {
    losses.push(step.loss);
    if ((await o.onStep?.(step, head, fc)) === 'stop') break;
  }
  const prediction = await predictFineCase(head, fc, spec, h);
  const regions = taskRegions(s.task);
  const scores = scoreVolume(restrictToSlices(prediction, g, split.validation), restrictToSlices(c.labels, g, split.validation), c.dims, c.spacing, regions);
  const trainSlices = slices.filter(split.mayTrain);
  return { caseId: c.id, trainSlices, heldOut: split.validation, scores, perSlice: perSliceDice(prediction, c.labels, g, split.validation, regions), prediction, losses, head, fc };
}
