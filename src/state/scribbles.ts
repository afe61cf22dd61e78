/**
 * The scribble loop's state: the classes and the pen, the scribbles of the loaded case (on its
 * canonical grid, class i stored as i + 1), the stroke count, the last round and, when the case
 * has a label map, Dice against it after each round: the curve of Dice against strokes.
 * Niivue owns the drawing while the user draws; the store keeps a copy after each pen-up.
 */
import { create } from 'zustand';
import { referenceVolume } from '../core/case/case.ts';
import { normalAxis, sliceGeometry } from '../core/features/slices.ts';
import { placeSlice } from '../core/heads/predict.ts';
import { acceptPrediction } from '../core/scribbles/accept.ts';
import { addScribbleClass, SCRIBBLE_PRESETS, type ScribbleClass } from '../core/scribbles/classes.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import { scribblesOf } from '../core/scribbles/record.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';
import { compareGrids } from '../core/volume.ts';
import { exportLabels } from '../core/case/exportGrid.ts';
import type { ClassScore } from '../core/scribbles/scores.ts';
import { computeClient } from '../worker/client.ts';
import type { ScribbleRoundSummary } from '../worker/protocol.ts';
import { useCase } from './case.ts';
import { addExperiment } from './experiments.ts';
import { sendCase, useFeatures } from './features.ts';
import { report } from './messages.ts';
import { loadScribbles, saveScribbles } from './scribbleDb.ts';
import { useTraining } from './training.ts';
import { useView } from './view.ts';

export type ScribblePreset = keyof typeof SCRIBBLE_PRESETS;

export interface DicePoint {
  strokes: number;
  scores: ClassScore[];
}

interface ScribbleState {
  /** Background first, then a preset's classes, then any the user added (see presetOf). */
  classes: ScribbleClass[];
  /** The pen: a class index, or the eraser. */
  tool: number | 'eraser';
  penSize: number;
  drawing: boolean;
  autoTrain: boolean;
  scribbles: Uint8Array | null;
  /** Bumped when the scribbles change from outside the viewer (restored, loaded, cleared). */
  revision: number;
  strokes: number;
  status: 'idle' | 'training';
  /** Why the last round could not run, shown as a hint (e.g. only one class scribbled). */
  hint: string;
  lastRound: ScribbleRoundSummary | null;
  curve: DicePoint[];
  /** The label map built by accepting predictions, on the canonical grid. */
  labelMap: Uint8Array | null;
  /** Bumped to ask the viewer, which owns the drawing's history, to undo a stroke. */
  undoRequests: number;
  /** Strokes the viewer can still undo: its history starts afresh when scribbles come from elsewhere. */
  undoable: number;
}

export const useScribbles = create<ScribbleState>(() => ({
  classes: SCRIBBLE_PRESETS.brats.classes,
  tool: 1,
  penSize: 3,
  drawing: false,
  autoTrain: true,
  scribbles: null,
  revision: 0,
  strokes: 0,
  status: 'idle',
  hint: '',
  lastRound: null,
  curve: [],
  labelMap: null,
  undoRequests: 0,
  undoable: 0,
}));

/**
 * Scribbles that come from outside the viewer (a case, a file, an experiment, a clear): the viewer
 * reloads them, and its undo history starts afresh.
 */
const fromOutside = (s: ScribbleState) => ({ revision: s.revision + 1, undoable: 0 });

export const undoStroke = () => useScribbles.setState((s) => (s.undoable > 0 ? { undoRequests: s.undoRequests + 1 } : {}));

export const setTool = (tool: number | 'eraser') => useScribbles.setState({ tool, drawing: true });
export const setPenSize = (penSize: number) => useScribbles.setState({ penSize });
export const setDrawing = (drawing: boolean) => useScribbles.setState({ drawing });
export const setAutoTrain = (autoTrain: boolean) => useScribbles.setState({ autoTrain });

/** A preset replaces the classes; scribbles of classes it lacks would be meaningless, so they go too. */
export function choosePreset(preset: ScribblePreset): void {
  const { scribbles } = useScribbles.getState();
  const kept = SCRIBBLE_PRESETS[preset].classes.length;
  const cleared = scribbles && scribbles.map((v) => (v > kept ? 0 : v));
  useScribbles.setState((s) => ({ classes: SCRIBBLE_PRESETS[preset].classes, tool: 1, scribbles: cleared, ...fromOutside(s), curve: [], lastRound: null }));
  persist();
}

export function addClass(name: string): void {
  try {
    useScribbles.setState((s) => ({ classes: addScribbleClass(s.classes, name), tool: s.classes.length, curve: [] }));
  } catch (e) {
    report('error', `The class was not added: ${(e as Error).message}.`);
  }
}

/** After a pen-up or an undo in the viewer: keep the scribbles, count the stroke, retrain if asked. */
export function scribblesChanged(action: string, bitmap: Uint8Array): void {
  const delta = action === 'draw' ? 1 : action === 'undo' ? -1 : 0;
  useScribbles.setState((s) => ({ scribbles: bitmap, strokes: Math.max(0, s.strokes + delta), undoable: Math.max(0, s.undoable + delta) }));
  persist();
  if (useScribbles.getState().autoTrain && (action === 'draw' || action === 'undo')) void trainOnScribbles();
}

export function clearScribbles(): void {
  const c = useCase.getState().current;
  if (!c) return;
  const n = referenceVolume(c).data.length;
  useScribbles.setState((s) => ({ scribbles: new Uint8Array(n), strokes: 0, ...fromOutside(s), curve: [], lastRound: null, hint: '' }));
  useTraining.setState({ slice: null, volume: null });
  persist();
}

/** Scribbles read from a .nii.gz (the studio's export, or another tool's), on this case's grid. */
export function replaceScribbles(scribbles: Uint8Array): void {
  const maxValue = scribbles.reduce((m, v) => Math.max(m, v), 0);
  const { classes } = useScribbles.getState();
  if (maxValue > classes.length) report('info', `The scribbles hold values up to ${maxValue}, but there are ${classes.length} classes; values above ${classes.length} are not used.`);
  useScribbles.setState((s) => ({ scribbles, strokes: 0, ...fromOutside(s), curve: [] }));
  persist();
}

let rounds = 0;

/**
 * One round in the worker. A round started while another runs supersedes it there; the store only
 * keeps results of the newest round.
 */
export async function trainOnScribbles(): Promise<void> {
  const { scribbles, classes, strokes } = useScribbles.getState();
  if (!scribbles) return;
  // With features extracted the linear probe reads them; without, the voxel head needs no backbone.
  const features = useFeatures.getState();
  const voxel = useView.getState().voxel;
  const axis = normalAxis(features.plane);
  const round = ++rounds;
  useScribbles.setState({ status: 'training', hint: '' });
  try {
    // The voxel head reads the case itself: no extraction has sent it to the worker yet.
    await sendCase();
    const r = await computeClient().request(
      'scribbleTrain',
      { scribbles, classes, viewSlice: voxel ? voxel[axis] : null, plane: features.plane, head: features.result ? 'probe' : 'voxels' },
      {
        onUpdate: (u) => {
          if ('kind' in u && u.kind === 'scribbleSlice' && round === rounds) useTraining.setState({ slice: u.slice, volume: null, state: 'idle', colours: classColours(classes) });
        },
      },
    );
    if (round !== rounds || r.stopped) return;
    useScribbles.setState((s) => ({
      lastRound: r,
      // One point per stroke count along the strokes that stand: a retrain replaces its point,
      // and an undo drops the points of the strokes it took back.
      curve: r.scores ? [...s.curve.filter((p) => p.strokes < strokes), { strokes, scores: r.scores }] : s.curve,
    }));
  } catch (e) {
    if (round !== rounds) return;
    const message = (e as Error).message;
    if (/scribble at least two classes/.test(message)) useScribbles.setState({ hint: message.charAt(0).toUpperCase() + message.slice(1) + '.' });
    else report('error', `Training on the scribbles failed: ${message}`);
  } finally {
    if (round === rounds) useScribbles.setState({ status: 'idle' });
  }
}

/**
 * Accepts the prediction into the label map: the whole predicted volume, or the slice in view
 * (from the volume if predicted, else the live slice), leaving the rest of the map as it was.
 */
export function acceptPredictionInto(scope: 'slice' | 'volume'): void {
  const c = useCase.getState().current;
  const { slice, volume } = useTraining.getState();
  const { plane, size } = useFeatures.getState();
  if (!c) return;
  const vol = referenceVolume(c);
  const g = sliceGeometry(vol.dims, vol.spacing, plane, size);
  try {
    let prediction = volume?.prediction ?? null;
    let k = slice?.index ?? null;
    if (scope === 'volume' && !prediction) throw new Error('predict the volume first');
    if (scope === 'slice') {
      const voxel = useView.getState().voxel;
      if (prediction && voxel) k = voxel[normalAxis(plane)];
      if (!prediction && slice) placeSlice((prediction = new Uint8Array(vol.data.length)), slice.labels, g, slice.index);
      if (!prediction || k === null) throw new Error('there is no prediction on show yet');
    }
    const labelMap = acceptPrediction(useScribbles.getState().labelMap, prediction!, scope === 'volume' ? 'volume' : { g, slice: k! });
    useScribbles.setState({ labelMap });
    const labelled = labelMap.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
    report('info', `${scope === 'volume' ? 'The predicted volume' : `The prediction of slice ${k}`} is in the label map: ${labelled} voxels labelled.`);
  } catch (e) {
    report('error', `Nothing was accepted: ${(e as Error).message}.`);
  }
}

/** The scribbles or the accepted label map as .nii.gz on the case's grid, or on the file's own grid the user chose. */
export function exportVolume(what: 'scribbles' | 'labelMap'): { name: string; bytes: Uint8Array } | null {
  const c = useCase.getState().current;
  const data = useScribbles.getState()[what];
  if (!c || !data) return null;
  const descrip = what === 'scribbles' ? 'dino-seg-studio scribbles (class i = value i + 1)' : 'dino-seg-studio label map';
  return { name: `${c.id}_${what === 'scribbles' ? 'scribbles' : 'labels'}.nii.gz`, bytes: exportLabels(c, data, { onFileGrid: useCase.getState().exportGrid, descrip }) };
}

/** Scribbles from a .nii.gz: read by the one NIfTI reader, refused unless on the case's grid. */
export async function importScribbles(file: NamedBytes): Promise<void> {
  const c = useCase.getState().current;
  if (!c) return;
  try {
    const { loaded, failed } = await computeClient().request('readFiles', { files: [file] });
    if (failed.length) throw new Error(failed[0].error);
    const mismatch = compareGrids(referenceVolume(c), loaded[0].volume);
    if (mismatch) throw new Error(`not on this case's grid: ${mismatch.detail}`);
    const values = loaded[0].volume.data;
    if (values.some((v) => v < 0 || v > 255 || !Number.isInteger(v))) throw new Error('scribbles are whole numbers from 0 to 255');
    replaceScribbles(Uint8Array.from(values));
    report('info', `Scribbles loaded from ${file.name}.`);
  } catch (e) {
    report('error', `${file.name} was not loaded as scribbles: ${(e as Error).message}. Your scribbles are unchanged.`);
  }
}

/** The prediction's colours: the classes' own, so a custom class shows as it is drawn. */
const classColours = (classes: ScribbleClass[]) => ({ values: classes.slice(1).map((c) => c.label), rgb: classes.slice(1).map((c) => c.rgb), names: classes.slice(1).map((c) => c.name) });


/** Scribbles belong to the case: kept in IndexedDB under its id after each change (gzipped, a few ms). */
function persist(): void {
  const c = useCase.getState().current;
  const { scribbles, strokes, classes } = useScribbles.getState();
  if (c && scribbles) saveScribbles(c.id, { scribbles, strokes, classes }).catch((e) => report('error', `The scribbles could not be saved in the browser: ${(e as Error).message}`));
}

// A new case brings its own scribbles back, or none.
useCase.subscribe(async (s, prev) => {
  const c = s.current;
  if (c === prev.current) return;
  // A role or convention change, or a label map dropped onto the case, keeps the same images: the scribbles stay.
  const images = (x: typeof c) => (x ? referenceVolume(x).data : undefined);
  if (c && prev.current && c.id === prev.current.id && images(c) === images(prev.current)) return;
  const n = c ? referenceVolume(c).data.length : 0;
  useScribbles.setState((st) => ({ scribbles: c ? new Uint8Array(n) : null, strokes: 0, curve: [], lastRound: null, labelMap: null, hint: '', ...fromOutside(st) }));
  if (!c) return;
  const saved = await loadScribbles(c.id).catch(() => null);
  if (saved && saved.scribbles.length === n && useCase.getState().current === c) {
    useScribbles.setState((st) => ({ scribbles: saved.scribbles, strokes: saved.strokes, classes: saved.classes, ...fromOutside(st) }));
    report('info', `The scribbles you drew on ${c.id} are back (${saved.strokes} strokes).`);
  }
});

/** The scribble run as an experiment: listed with the others, its scribbles and curve inside. */
export async function saveScribbleExperiment(): Promise<void> {
  const { scribbles, classes, strokes, curve } = useScribbles.getState();
  if (!scribbles) return;
  try {
    const { record, prediction } = await computeClient().request('scribbleExperiment', { scribbles, classes, strokes, curve, mapping: useFeatures.getState().mapping, seed: 0 });
    await addExperiment(record, prediction);
    report('info', `Saved as the experiment “${record.name}”.`);
  } catch (e) {
    report('error', `The experiment was not saved: ${(e as Error).message}.`);
  }
}

/** Brings back the scribbles an experiment kept, onto the loaded case if it is the same one. */
export function restoreScribblesFrom(record: ExperimentRecord): void {
  const c = useCase.getState().current;
  const saved = scribblesOf(record);
  if (!saved || !record.scribbles) return;
  if (!c || c.id !== record.cases[0].id || referenceVolume(c).data.length !== saved.length) {
    report('error', `The scribbles of “${record.name}” belong to case ${record.cases[0].id}; load that case first. Your scribbles are unchanged.`);
    return;
  }
  const { classes, strokes, curve } = record.scribbles;
  useScribbles.setState((s) => ({ scribbles: saved, classes, strokes, curve, ...fromOutside(s) }));
  persist();
  report('info', `The scribbles of “${record.name}” are back: ${strokes} strokes.`);
}
