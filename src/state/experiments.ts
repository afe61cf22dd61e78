/**
 * The experiments list and comparisons: runs go to the worker, records and predictions to
 * IndexedDB, and the selection decides what the comparison view shows.
 */
import { create } from 'zustand';
import { fromBase64, toBase64 } from '../core/base64.ts';
import { PRESET_COMPARISON, type ComparisonSettings, seedAblation, adapterComparison, type Variant } from '../core/experiments/compare.ts';
import { DEFAULT_HEAD } from '../core/heads/headSettings.ts';
import { type ExperimentRecord, parseExperiments } from '../core/experiments/record.ts';
import { type ChannelMapping, mappingKey } from '../core/features/channels.ts';
import { CancelledError, computeClient } from '../worker/client.ts';
import type { Progress } from '../worker/protocol.ts';
import { deleteRecord, loadPredictionGz, loadRecords, predictionKey, savePredictionGz, saveRecord } from './experimentDb.ts';
import { report } from './messages.ts';
import { sendCase, useFeatures } from './features.ts';
import { hiddenWidths, useTraining } from './training.ts';
import { setMainView } from './view.ts';

interface ExperimentsState {
  experiments: ExperimentRecord[];
  /** Ids chosen for the comparison view, in the order chosen (the first is the reference). */
  selected: string[];
  /** The mappings the next comparison runs. */
  mappings: ChannelMapping[];
  running: boolean;
  progress: Progress | null;
}

export const useExperiments = create<ExperimentsState>(() => ({
  experiments: [],
  selected: [],
  mappings: PRESET_COMPARISON.map((p) => p.mapping),
  running: false,
  progress: null,
}));

export async function restoreExperiments(): Promise<void> {
  try {
    useExperiments.setState({ experiments: await loadRecords() });
  } catch (e) {
    report('error', `Saved experiments could not be read from this browser's storage: ${(e as Error).message}`);
  }
}

export const setMappings = (mappings: ChannelMapping[]) => useExperiments.setState({ mappings });

export function toggleSelected(id: string): void {
  const { selected } = useExperiments.getState();
  useExperiments.setState({ selected: selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id] });
}

let controller: AbortController | null = null;

/** The Features and Train steps' settings, as every comparison (one case or a dataset) takes them. */
export function comparisonSettings(): ComparisonSettings {
  const t = useTraining.getState();
  const f = useFeatures.getState();
  return {
    plane: f.plane,
    size: f.size,
    layers: f.layers,
    task: t.task,
    epochs: t.epochs,
    batchSize: t.batchSize,
    learningRate: t.learningRate,
    seed: t.seed,
    validation: 0.2,
    oversampleTumour: t.oversampleTumour,
    healthyEvery: t.healthyEvery,
    loss: { crossEntropy: t.crossEntropy, dice: t.dice },
  };
}

/** Runs one experiment per mapping on the loaded case, with the training panel's settings, and selects them. */
export async function runComparison(mappings = useExperiments.getState().mappings, variants?: Variant[]): Promise<void> {
  const keys = mappings.map(mappingKey);
  if (new Set(keys).size !== keys.length) return report('error', 'The same mapping is listed twice; change or remove one.');
  const settings = comparisonSettings();
  controller = new AbortController();
  useExperiments.setState({ running: true, mappings, progress: { status: 'initiate', task: 'Starting the comparison' } });
  try {
    await sendCase();
    const { runs } = await computeClient().request('compare', { mappings, variants, settings }, { onProgress: (progress) => useExperiments.setState({ progress }), signal: controller.signal });
    for (const r of runs) await addExperiment(r.record, r.prediction);
    const records = runs.map((r) => r.record);
    useExperiments.setState({ selected: records.map((r) => r.id) });
    setMainView('comparison');
    report('info', `Compared ${records.map((r) => r.name).join(' vs ')} on ${records[0].cases.map((c) => c.id).join(', ')}; scores are over the held-out slices.`);
  } catch (e) {
    if (e instanceof CancelledError) report('info', 'Comparison cancelled; experiments finished before it are kept.');
    else report('error', `The comparison failed: ${(e as Error).message}`);
  } finally {
    controller = null;
    useExperiments.setState({ running: false, progress: null });
  }
}

export const cancelComparison = () => controller?.abort();

/** The seed's linear probe against the voxel heads, on the mapping in use and the training panel's head settings. */
export function runAblation(): Promise<void> {
  const t = useTraining.getState();
  const { mapping, layers } = useFeatures.getState();
  const hidden = hiddenWidths(t.hidden);
  return runComparison([mapping], seedAblation(mapping, { ...DEFAULT_HEAD, hidden, jitter: t.jitter, postprocess: t.postprocess, layers, planes: t.planes }));
}

/**
 * Is fine-tuning worth it here? The frozen linear probe against the same probe with a LoRA and a
 * Rein adapter trained through the backbone's last blocks, on the mapping in use, one split, one seed.
 */
export function runAdapterComparison(): Promise<void> {
  const { mapping } = useFeatures.getState();
  return runComparison([mapping], adapterComparison(mapping, useTraining.getState().seed));
}

/** Browser storage that refuses experiments costs their survival of a reload, nothing on screen: said once. */
function kept(e: unknown): void {
  report(
    'error',
    `The browser would not store experiments (${(e as Error).name === 'QuotaExceededError' ? 'its storage quota for this site is used up' : (e as Error).message}): they are kept for this session only. Export them (Export JSON) to keep them.`,
    'experiment-storage',
  );
}

/** Keeps a one-case experiment and its predicted volume, and lists it. */
export async function addExperiment(record: ExperimentRecord, prediction: Uint8Array): Promise<void> {
  const stored = saveRecord(record, new Map([[record.cases[0].id, prediction]]));
  useExperiments.setState((s) => ({ experiments: [...s.experiments, record] }));
  await stored.catch(kept);
}

export async function deleteExperiment(id: string): Promise<void> {
  const r = useExperiments.getState().experiments.find((e) => e.id === id);
  if (!r) return;
  await deleteRecord(r).catch(kept);
  useExperiments.setState((s) => ({ experiments: s.experiments.filter((e) => e.id !== id), selected: s.selected.filter((x) => x !== id) }));
}

/** Every experiment, with its predictions (gzipped, base64), as one JSON document. */
export async function exportExperiments(): Promise<string> {
  const { experiments } = useExperiments.getState();
  const predictions: Record<string, string> = {};
  for (const e of experiments) {
    for (const c of e.cases) {
      const gz = await loadPredictionGz(e.id, c.id);
      if (gz) predictions[predictionKey(e.id, c.id)] = toBase64(gz);
    }
  }
  return JSON.stringify({ format: 'dino-seg-studio/experiments@1', experiments, predictions });
}

export async function importExperiments(name: string, text: string): Promise<void> {
  let records: ExperimentRecord[];
  let doc: { predictions?: Record<string, string> };
  try {
    doc = JSON.parse(text);
    records = parseExperiments(doc);
  } catch (e) {
    return report('error', `${name}: ${(e as Error).message}. The experiments listed before are kept.`);
  }
  const known = new Set(useExperiments.getState().experiments.map((e) => e.id));
  const fresh = records.filter((r) => !known.has(r.id));
  try {
    for (const r of fresh) {
      for (const c of r.cases) {
        const b64 = doc.predictions?.[predictionKey(r.id, c.id)];
        if (b64) await savePredictionGz(r.id, c.id, fromBase64(b64)).catch(kept);
      }
      await saveRecord(r);
    }
  } catch (e) {
    kept(e);
  }
  useExperiments.setState((s) => ({ experiments: [...s.experiments, ...fresh] }));
  report('info', `Imported ${fresh.length} experiment(s) from ${name}${fresh.length < records.length ? `; ${records.length - fresh.length} already listed` : ''}.`);
}
