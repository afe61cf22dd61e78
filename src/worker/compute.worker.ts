/// <reference lib="webworker" />
/** The compute worker: reads files, generates cases, and owns the backbone. */
import { writeDicomSeg } from '../core/dicom/seg.ts';
import type { CaseVolumes } from '../core/case/case.ts';
import { readCaseFiles, readCaseInput } from '../core/case/load.ts';
import { regionReadout } from '../core/metrics/readout.ts';
import { generateSyntheticCase } from '../core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../core/synthetic/files.ts';
import { clearWeightCache, forgetWeights, loadModel, measureSpeed, simulateBackendFailure, weightCacheEntries } from './backbone.ts';
import { compare } from './compare.ts';
import { compareDataset, extractDataset } from './dataset.ts';
import { clearFeatureCache, dropFeatures, exportFeatureFile, extract, featureCacheUsage, importFeatureFile, pcaOverlay, preview } from './features.ts';
import type { Progress, RequestMap, ResultMap, WorkerRequest, WorkerResponse, WorkerUpdate } from './protocol.ts';
import { assembleKept, keepRead } from './keptFiles.ts';
import { setNoticeSink } from './notices.ts';
import { scribbleExperiment, scribbleTrain } from './scribbles.ts';
import { dropHeads, exportHead, importHead, predictViewSlice, predictWholeVolume, setTrainingControl, train } from './training.ts';
import { applyAdaptedToBackbone, exportAdapted, loadAdapted } from './adapterTraining.ts';

let currentCase: CaseVolumes | null = null;
function theCase(): CaseVolumes {
  if (!currentCase) throw new Error('load a case first');
  return currentCase;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

setNoticeSink((text) => post({ id: 0, type: 'notice', text }));

// Held until this worker ends, however it ends: the page's request for the same lock is its death notice (see client.ts).
if (scope.name && scope.navigator.locks) {
  void scope.navigator.locks.request(scope.name, () => {
    scope.postMessage({ id: 0, type: 'alive' } satisfies WorkerResponse);
    return new Promise<never>(() => undefined);
  });
}

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function buffersOf(arrays: ArrayBufferView[]): Transferable[] {
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

interface Context {
  progress: (p: Progress) => void;
  update: (u: WorkerUpdate) => void;
  notice: (text: string) => void;
  signal: AbortSignal;
}

type Handler<K extends keyof RequestMap> = (p: RequestMap[K], ctx: Context) => Promise<[ResultMap[K], Transferable[]]> | [ResultMap[K], Transferable[]];

const handlers: { [K in keyof RequestMap]: Handler<K> } = {
  async readFiles({ files, downsample }, { progress }) {
    const read = await readCaseInput(files, (task, done, total) => progress({ status: 'progress', task, done, total, unit: 'files' }), { downsample });
    const copies = keepRead(read.loaded);
    return [{ ...read, loaded: copies.files }, copies.transfer];
  },
  synthesize({ seed, dims }, { progress }) {
    progress({ status: 'initiate', task: 'Generating a synthetic case' });
    // Its files, uncompressed (gzip and gunzip cost ~8 s), read by the one reader dropped files go
    // through, here: only the decoded volumes cross to the page, moved, not copied.
    const files = syntheticCaseFiles(generateSyntheticCase({ seed, dims }), { gzip: false });
    const { loaded, failed } = readCaseFiles(files, (done) => progress({ status: 'progress', task: 'Reading the synthetic case', done, total: files.length, unit: 'files' }));
    const copies = keepRead(loaded);
    return [{ loaded: copies.files, failed }, copies.transfer];
  },
  async loadModel({ source, backend }, { progress, signal }) {
    return [await loadModel(source, backend, progress, signal), []];
  },
  async measureSpeed({ size, runs }, { progress, notice }) {
    progress({ status: 'initiate', task: `Timing the backbone at ${size}x${size}` });
    return [await measureSpeed(size, runs, notice), []];
  },
  async weightCache() {
    return [{ entries: await weightCacheEntries() }, []];
  },
  async forgetWeights({ url }) {
    await forgetWeights(url);
    return [{}, []];
  },
  async clearWeightCache() {
    await clearWeightCache();
    return [{}, []];
  },
  simulateBackendFailure() {
    simulateBackendFailure();
    return [{}, []];
  },
  dicomSeg({ labels, dims, affine, source, segments, algorithm, description, alignment }) {
    const seg = writeDicomSeg({ dims, affine, data: labels }, source, { segments, seriesDescription: description, algorithm, alignment });
    return [{ bytes: seg.bytes, frames: seg.frames, segments: seg.segments.map((x) => x.label) }, [seg.bytes.buffer as ArrayBuffer]];
  },
  setCase(c) {
    currentCase = c;
    return [{}, []];
  },
  setKeptCase(c) {
    const volumes = assembleKept(c);
    if (volumes) currentCase = volumes;
    return [{ set: volumes !== null }, []];
  },
  async extractFeatures({ mapping, plane, size, layers }, { progress, notice, signal }) {
    return [await extract(theCase(), mapping, { plane, size, layers }, progress, notice, signal), []];
  },
  async previewSlice({ mapping, plane, size, slice }) {
    const r = await preview(theCase(), mapping, plane, size, slice);
    return [r, [r.rgb.buffer as ArrayBuffer]];
  },
  async pcaOverlay({ scope, slice }) {
    const r = await pcaOverlay(scope, slice);
    return [r, [r.rgba.buffer as ArrayBuffer]];
  },
  async importFeatures({ bytes }) {
    return [await importFeatureFile(theCase(), bytes), []];
  },
  async exportFeatures() {
    const bytes = await exportFeatureFile(theCase());
    return [{ bytes }, [bytes.buffer as ArrayBuffer]];
  },
  async featureCache() {
    return [await featureCacheUsage(), []];
  },
  async clearFeatureCache() {
    await clearFeatureCache();
    return [{}, []];
  },
  async train(settings, { update, progress }) {
    return [await train(settings, theCase(), update, progress), []];
  },
  trainingControl({ action, voxel }) {
    setTrainingControl(action, voxel);
    return [{}, []];
  },
  async predictVolume(_, { progress }) {
    const c = theCase();
    const r = await predictWholeVolume(c, (done, total) => progress({ status: 'progress', task: 'Predicting the volume', done, total, unit: 'slices' }));
    // The clinician's read-out of whatever head predicted: here, off the page's thread.
    const readout = regionReadout(r.prediction, c.dims, c.spacing, r.regions);
    const { regions: _regions, ...result } = r;
    return [{ ...result, readout }, buffersOf([r.prediction, r.uncertainty])];
  },
  async scribbleTrain(req, { update, signal }) {
    return [await scribbleTrain(req, theCase(), signal, (slice) => update({ kind: 'scribbleSlice', slice })), []];
  },
  async scribbleExperiment(req, { notice }) {
    const r = await scribbleExperiment(req, theCase(), notice);
    return [r, [r.prediction.buffer as ArrayBuffer]];
  },
  async predictSlice({ slice }) {
    return [{ slice: await predictViewSlice(slice) }, []];
  },
  exportHead() {
    return [{ json: exportHead() }, []];
  },
  importHead({ json }) {
    return [importHead(json, currentCase), []];
  },
  exportAdapter() {
    return [{ files: exportAdapted() }, []];
  },
  async importAdapter({ files }, { progress }) {
    dropHeads();
    return [await loadAdapted(files, theCase(), progress), []];
  },
  async applyAdapter({ on }) {
    return [await applyAdaptedToBackbone(on), []];
  },
  async compare({ mappings, variants, settings }, { progress, notice, signal }) {
    const r = await compare(theCase(), variants ?? mappings, settings, progress, notice, signal);
    return [r, buffersOf(r.runs.map((x) => x.prediction))];
  },
  async datasetExtract(p, { progress, update, notice, signal }) {
    return [await extractDataset(p, progress, update, notice, signal), []];
  },
  async dropFeatures({ keys }) {
    await dropFeatures(keys);
    return [{}, []];
  },
  async datasetCompare(p, { progress, notice, signal }) {
    const r = await compareDataset(p, progress, notice, signal);
    return [r, buffersOf(r.runs.flatMap((x) => Object.values(x.predictions)))];
  },
};

const running = new Map<number, AbortController>();

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  if (req.type === 'cancel') {
    running.get(req.target)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(req.id, controller);
  const ctx: Context = {
    progress: (p) => post({ id: req.id, type: 'progress', progress: p }),
    notice: (text) => post({ id: req.id, type: 'notice', text }),
    update: (u) => post({ id: req.id, type: 'update', update: u }),
    signal: controller.signal,
  };
  try {
    const handler = handlers[req.type] as Handler<keyof RequestMap>;
    const [result, transfer] = await handler(req.payload as never, ctx);
    post({ id: req.id, type: 'result', result }, transfer);
  } catch (e) {
    post({ id: req.id, type: 'error', message: (e as Error).message, cancelled: controller.signal.aborted });
  } finally {
    running.delete(req.id);
  }
};
