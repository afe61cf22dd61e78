/**
 * A dataset in the worker: cases arrive as File objects (a picked or dropped folder) and are
 * decoded one at a time when needed, so the page never holds every volume of a workspace.
 * Extraction goes through the core's prepareCase into the shared IndexedDB feature cache, so a
 * queue stopped by a reload resumes from what is stored; training and testing go through the
 * core's compareVariants, the same loop as the CLI's --dataset runs.
 */
import { assembleCase, type CaseVolumes, caseVolumes, type LazyCase } from '../core/case/case.ts';
import { readCaseFiles } from '../core/case/load.ts';
import { compareVariants, type ComparisonSettings, type Variant } from '../core/experiments/compare.ts';
import { prepareCase } from '../core/experiments/experiment.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import type { CaseSplit } from '../core/dataset/split.ts';
import { type ChannelMapping, mappingKey } from '../core/features/channels.ts';
import type { Plane } from '../core/features/slices.ts';
import { workerBackbone } from './features.ts';
import { labelsTask } from '../core/dataset/task.ts';
import { TASK_NAMES } from '../core/heads/tasks.ts';
import type { DatasetCaseFiles, DatasetCaseUpdate, Progress } from './protocol.ts';



export async function openDatasetCase(c: DatasetCaseFiles): Promise<CaseVolumes> {
  const named = await Promise.all(c.files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  const { loaded, failed } = readCaseFiles(named);
  if (failed.length) throw new Error(failed.map((f) => `${f.name}: ${f.error}`).join('; '));
  return caseVolumes(assembleCase(loaded, { id: c.id }));
}

/**
 * Features of every case for every mapping and plane, one case decoded at a time. A case that
 * fails is reported and skipped; the queue goes on. Cancelling keeps every slice already stored.
 */
export async function extractDataset(
  o: { cases: DatasetCaseFiles[]; mappings: ChannelMapping[]; planes: Plane[]; size: number; layers: number },
  progress: (p: Progress) => void,
  update: (u: DatasetCaseUpdate) => void,
  notice: (text: string) => void,
  signal: AbortSignal,
): Promise<{ done: number; failed: number }> {
  const { backbone, store } = await workerBackbone(notice);
  let failed = 0;
  for (const [i, c] of o.cases.entries()) {
    signal.throwIfAborted();
    let volumes: CaseVolumes | null = null;
    for (const mapping of o.mappings) {
      for (const plane of o.planes) {
        const base = { kind: 'datasetCase' as const, id: c.id, mapping: mappingKey(mapping), plane };
        update({ ...base, state: 'extracting' });
        try {
          volumes ??= await openDatasetCase(c);
          const r = await prepareCase(volumes, { mapping, plane, size: o.size, layers: o.layers }, backbone, store, (_, p) => {
            if (p) progress({ status: 'progress', task: `${c.id} (${i + 1}/${o.cases.length}): ${mappingKey(mapping)}, ${plane}`, done: p.done, total: p.total, unit: 'slices' });
          }, signal);
          update({ ...base, state: 'cached', key: r.key, fromCache: r.fromCache, computed: r.computed });
        } catch (e) {
          if (signal.aborted) {
            update({ ...base, state: 'failed', error: 'paused' });
            throw e;
          }
          failed++;
          update({ ...base, state: 'failed', error: (e as Error).message });
        }
      }
    }
  }
  return { done: o.cases.length - failed, failed };
}

/** Train on the training cases, score the test cases, one run per variant, with the split in every record. */
export async function compareDataset(
  o: { train: DatasetCaseFiles[]; test: DatasetCaseFiles[]; variants: Variant[]; settings: ComparisonSettings; split: CaseSplit },
  progress: (p: Progress) => void,
  notice: (text: string) => void,
  signal: AbortSignal,
): Promise<{ runs: { record: ExperimentRecord; predictions: Record<string, Uint8Array> }[] }> {
  const { backbone, info, store } = await workerBackbone(notice);
  const say = (task: string) => progress({ status: 'initiate', task });
  // Decoded when a step needs the case and let go after: the run holds one case's volumes at a time.
  const lazy = (c: DatasetCaseFiles): LazyCase => ({ id: c.id, modalities: c.modalities, hasLabels: c.hasLabels, load: () => openDatasetCase(c) });
  const train = o.train.map(lazy);
  say('Reading the training cases\' label values for the task');
  const { task, values } = await labelsTask(train);
  notice(`Dataset task: ${TASK_NAMES[task]}, from the training cases' label values ${values.join(', ')}.`);
  const runs = await compareVariants({
    train,
    test: o.test.map(lazy),
    variants: o.variants,
    settings: { ...o.settings, task },
    backbone,
    model: { name: info.label, randomWeights: info.randomWeights, dim: info.dim },
    store,
    signal,
    split: o.split,
    onProgress: say,
  });
  return { runs: runs.map((r) => ({ record: r.record, predictions: Object.fromEntries(r.predictions) })) };
}
