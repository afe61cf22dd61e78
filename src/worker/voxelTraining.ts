/**
 * Training a voxel head (heads/fineHead.ts) in the worker on the case it holds and the features
 * last extracted: the core's held-out run, with the live curve, the slice in view re-predicted
 * every ~1.5 s, and pause / stop between steps.
 */
import type { CaseVolumes } from '../core/case/case.ts';
import { heldOutFineRun, voxelInputsOf } from '../core/experiments/fineExperiment.ts';
import { extractSlice, type Plane, sliceGeometry } from '../core/features/slices.ts';
import { type FineCase, labelsFromProbabilities, type PatchBlock, predictFineProbabilities } from '../core/heads/fineHead.ts';
import { DEFAULT_HEAD, HEAD_NAMES, headPlanes, type HeadSettings, headSettingsOver, usesBackbone } from '../core/heads/headSettings.ts';
import { type MlpHead, mlpFromJSON, type MlpHeadJSON } from '../core/heads/mlpHead.ts';
import { type RegionScore, scoreVolume, uncertaintyOfProbabilities, type VolumePrediction } from '../core/heads/predict.ts';
import { type TaskSpec, taskRegions, taskSpec } from '../core/heads/tasks.ts';
import { NO_POSTPROCESS, postprocess } from '../core/postprocess/postprocess.ts';
import type { SlicePrediction } from '../core/heads/predict.ts';
import { scribbleTask } from '../core/scribbles/classes.ts';
import { VOXEL_ROUND_DEFAULTS, voxelScribbleRound, voxelSlicePrediction } from '../core/scribbles/voxelRound.ts';
import { voxelCase } from '../core/heads/voxelCase.ts';
import { fromF16Array } from '../core/weights/f16.ts';
import { extractedFeatures, planeFeatures } from './features.ts';
import type { Progress, ScribbleRequest, TrainingUpdate } from './protocol.ts';

export interface VoxelTrainSettings {
  task: TaskSpec['task'];
  epochs: number;
  learningRate: number;
  seed: number;
  validation: number;
  head: HeadSettings;
}

let trained: { head: MlpHead; fc: FineCase; spec: TaskSpec; settings: HeadSettings; plane?: Plane } | null = null;

export const voxelHead = () => trained;
export const dropVoxelHead = () => void (trained = null);

/**
 * The case as a head trained here reads it: the filter bank and, for heads on patch features, the
 * extracted plane's features first, then those of the other planes the head reads (tri-planar),
 * extracted now with the same mapping, size and blocks where the cache lacks them.
 */
async function caseForHead(c: CaseVolumes, h: HeadSettings, progress: (p: Progress) => void): Promise<FineCase & { slices: number[] }> {
  const fc = voxelCase(c);
  if (!usesBackbone(h.head)) return fc;
  const extracted = extractedFeatures();
  const blocks: PatchBlock[] = [];
  for (const plane of headPlanes(h, extracted.geometry.plane)) {
    const { result, geometry, get } = await planeFeatures(c, plane, progress, (task) => progress({ status: 'initiate', task }));
    blocks.push({ name: `${result.key}@${plane}`, g: geometry, slices: result.slices, dim: result.dim, features: async (k: number) => fromF16Array(await get(k)) });
  }
  return { ...fc, blocks, slices: extracted.result.slices };
}

/**
 * A voxel head, trained here or saved, applied to the case the worker holds: its filter bank is
 * computed for this case from the modalities the head reads. Heads that also read patch features
 * carry a projection fitted on their training case, so they stay with it.
 */
export function bindVoxelHead(c: CaseVolumes, saved?: { task: TaskSpec['task']; settings: Partial<HeadSettings>; inputs: string[]; head: MlpHeadJSON }): void {
  if (saved) {
    const settings = headSettingsOver(DEFAULT_HEAD, saved.settings);
    if (usesBackbone(settings.head)) throw new Error(`this head (${HEAD_NAMES[settings.head]}) also reads patch features reduced on its training case; only heads on voxel inputs alone move between cases: train it on this case instead`);
    trained = { head: mlpFromJSON(saved.head), fc: voxelCase(c, saved.inputs), spec: taskSpec(saved.task), settings };
    return;
  }
  if (!trained || trained.fc.id === c.id) return;
  if (usesBackbone(trained.settings.head)) throw new Error(`the head was trained on case ${trained.fc.id} with its patch features; train it on this case`);
  trained = { ...trained, fc: voxelCase(c, trained.fc.voxels.names) };
}

/**
 * Labels of the slice through the crosshair (rows x cols of its plane), as the viewer overlays
 * them: on the plane of the head's patch features, or the plane in view for a head that reads none.
 */
async function sliceLabels(head: MlpHead, fc: FineCase, spec: TaskSpec, h: HeadSettings, c: CaseVolumes, view: { slice: (plane: Plane) => number; plane: Plane }): Promise<NonNullable<TrainingUpdate['slice']>> {
  const g = fc.blocks[0]?.g ?? sliceGeometry(c.dims, c.spacing, view.plane, 224);
  const k = Math.max(0, Math.min(g.count - 1, view.slice(g.plane)));
  const probs = await predictFineProbabilities(head, fc, spec, voxelInputsOf(h), undefined, [k], g);
  return { index: k, plane: g.plane, labels: extractSlice(labelsFromProbabilities(spec, probs, fc.voxels, h.postprocess.hierarchy), g, k) };
}

export async function trainVoxelHead(
  c: CaseVolumes,
  s: VoxelTrainSettings,
  control: { wanted: () => 'run' | 'pause' | 'stop'; viewSlice: (plane: Plane) => number; viewPlane: Plane },
  update: (u: TrainingUpdate) => void,
  progress: (p: Progress) => void = () => undefined,
): Promise<{ steps: number; validationDice: (number | null)[]; train: number[]; validation: number[]; scores: RegionScore[] }> {
  const spec = taskSpec(s.task);
  const fc = await caseForHead(c, s.head, progress);
  const plane = s.head.head === 'voxels' ? 'axial' : extractedFeatures().geometry.plane;
  let last = 0;
  let steps = 0;
  const view = { slice: control.viewSlice, plane: control.viewPlane };
  const send = async (step: { step: number; epoch: number; loss: number }, head: MlpHead, f: FineCase, state: TrainingUpdate['state']) => {
    update({ ...step, validationDice: [], channels: spec.channels, state, slice: await sliceLabels(head, f, spec, s.head, c, view) });
  };
  const r = await heldOutFineRun({
    c,
    fc,
    settings: { task: s.task, epochs: s.epochs, learningRate: s.learningRate, seed: s.seed, validation: s.validation, plane, size: fc.blocks[0]?.g.size ?? 224 },
    head: s.head,
    onStep: async (step, head, f) => {
      steps = step.step;
      await new Promise((res) => setTimeout(res, 0)); // let pause, stop and the slice in view arrive
      if (performance.now() - last > 1500) {
        await send(step, head, f, 'running');
        last = performance.now();
      }
      while (control.wanted() === 'pause') {
        await send(step, head, f, 'paused');
        await new Promise((res) => setTimeout(res, 200));
      }
      return control.wanted() === 'stop' ? 'stop' : undefined;
    },
  });
  trained = { head: r.head as MlpHead, fc: r.fc, spec, settings: s.head };
  const dice = r.scores.map((x) => x.dice);
  update({ step: steps, epoch: s.epochs - 1, loss: r.losses.at(-1) ?? NaN, validationDice: dice, channels: r.scores.map((x) => x.region), state: control.wanted() === 'stop' ? 'stopped' : 'done', slice: await sliceLabels(r.head as MlpHead, r.fc, spec, s.head, c, view) });
  return { steps, validationDice: dice, train: r.trainSlices, validation: r.heldOut, scores: r.scores };
}

/** The whole volume from the voxel head, cleaned up, with each voxel's uncertainty (predict.ts's one rule, 0..255). */
export async function predictVoxelVolume(c: CaseVolumes, progress: (done: number, total: number) => void): Promise<VolumePrediction> {
  if (!trained) throw new Error('train a head first');
  bindVoxelHead(c);
  const { head, fc, spec, settings } = trained;
  const probs = await predictFineProbabilities(head, fc, spec, voxelInputsOf(settings), progress);
  const prediction = postprocess(labelsFromProbabilities(spec, probs, fc.voxels, settings.postprocess.hierarchy), c.dims, settings.postprocess);
  const uncertainty = new Uint8Array(prediction.length);
  const C = spec.channels.length;
  const v = fc.voxels;
  const [nx, ny] = c.dims;
  for (let b = 0; b < v.brain.length; b++) {
    if (!v.brain[b]) continue;
    const worst = uncertaintyOfProbabilities(spec, probs, b * C);
    const x = b % v.size[0];
    const y = Math.floor(b / v.size[0]) % v.size[1];
    const z = Math.floor(b / (v.size[0] * v.size[1]));
    uncertainty[v.origin[0] + x + nx * (v.origin[1] + y + ny * (v.origin[2] + z))] = Math.round(255 * worst);
  }
  return { prediction, uncertainty, scores: c.labels ? scoreVolume(prediction, c.labels, c.dims, c.spacing, taskRegions(spec.task)) : [], regions: taskRegions(spec.task) };
}

/** The filter bank of the case scribbled on, kept between rounds (it costs seconds on a large case). */
let scribbleCase: { c: CaseVolumes; fc: FineCase } | null = null;

/**
 * A scribble round with the voxel head, when the case has no extracted features: no backbone is
 * needed. The head becomes the head in use, with no post-processing (what was painted decides).
 */
export async function voxelScribbleTrain(
  c: CaseVolumes,
  req: ScribbleRequest,
  seed: number,
  superseded: () => boolean,
  onSlice: (s: SlicePrediction) => void,
) {
  if (scribbleCase?.c !== c) scribbleCase = { c, fc: voxelCase(c) };
  const fc = scribbleCase.fc;
  const plane = req.plane ?? 'axial';
  const spec = scribbleTask(req.classes);
  const last = trained && trained.fc === fc && !req.restart && trained.spec.labels?.join() === spec.labels!.join() ? trained.head : null;
  const round = await voxelScribbleRound({
    head: last,
    fc,
    classes: req.classes,
    scribbles: req.scribbles,
    g: sliceGeometry(c.dims, c.spacing, plane, 224),
    viewSlice: req.viewSlice,
    ...VOXEL_ROUND_DEFAULTS,
    seed,
    onSlice,
    pause: async () => {
      await new Promise((r) => setTimeout(r, 0));
      return superseded();
    },
  });
  if (!round.stopped) trained = { head: round.head, fc, spec, settings: { ...DEFAULT_HEAD, head: 'voxels', postprocess: NO_POSTPROCESS }, plane };
  return round;
}

/** A scribbled voxel head's slice k on the plane it was scribbled on, for the crosshair's moves (null for other heads). */
export async function predictVoxelSlice(k: number): Promise<SlicePrediction | null> {
  if (!trained?.plane) return null;
  const g = sliceGeometry(trained.fc.dims, trained.fc.voxels.spacing, trained.plane, 224);
  if (k < 0 || k >= g.count) return null;
  return voxelSlicePrediction(trained.head, trained.fc, trained.spec, g, k);
}
