/**
 * Every message between the UI and the compute worker, in one place. Requests carry an id; the
 * worker answers each with exactly one result or error, and any number of progress messages.
 */
import type { CaseFile } from '../core/case/case.ts';
import type { CaseRead, FileFailure } from '../core/case/load.ts';
import type { RegionReadout } from '../core/metrics/readout.ts';
import type { KeptCase } from './keptFiles.ts';
import type { Dims3 } from '../core/geometry/orientation.ts';
import type { PosInterpolation } from '../core/models/dinov2/interpolate.ts';
import type { Preset } from '../core/models/dinov2/random.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';
import type { ChannelMapping } from '../core/features/channels.ts';
import type { ExtractionResult } from '../core/features/extract.ts';
import type { Plane } from '../core/features/slices.ts';
import type { CaseVolumes } from '../core/case/case.ts';
import type { ComparisonSettings, Variant } from '../core/experiments/compare.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import type { RegionScore } from '../core/heads/predict.ts';
import type { SlicePrediction } from '../core/heads/predict.ts';
import type { HeldOutSettings } from '../core/experiments/heldOut.ts';
import type { HeadSettings } from '../core/heads/headSettings.ts';
import type { AdapterSettings } from '../core/adapters/create.ts';
import type { Modality } from '../core/case/roles.ts';
import type { ScribbleClass } from '../core/scribbles/classes.ts';
import type { RoundResult } from '../core/scribbles/round.ts';
import type { ClassScore } from '../core/scribbles/scores.ts';
import type { ScribbleTrace } from '../core/experiments/record.ts';
import type { CaseSplit } from '../core/dataset/split.ts';
import type { DicomSource } from '../core/dicom/source.ts';
import type { Alignment } from '../core/case/caseFile.ts';
import type { GridImage } from '../core/registration/rigid.ts';
import type { SegOptions } from '../core/dicom/seg.ts';
import type { Segment } from '../core/dicom/segments.ts';

/** One progress type from the worker to the stores, after transformers.js's progress callback. */
export type Progress =
  | { status: 'initiate'; task: string }
  | { status: 'progress'; task: string; done: number; total: number; unit: string; rate?: number }
  | { status: 'done'; task: string };

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | BackendName;

export interface BackendInfo {
  name: BackendName;
  /** Why this one: shown in the page. */
  reason: string;
  threads?: number;
  /** What the GPU adapters turned out to be. */
  adapters: { webgpu: string; webgl: string };
}

/** viewPlane: the plane the user looks at, where a head cut on no plane (voxel inputs alone) shows its live slice. */
export type TrainSettings = HeldOutSettings & Partial<HeadSettings> & { adapter?: AdapterSettings; viewPlane?: Plane; viewVoxel?: Dims3 };

export interface TrainingUpdate {
  step: number;
  epoch: number;
  loss: number;
  validationDice: (number | null)[];
  channels: string[];
  /** Predicted labels of the slice in view, on the canonical grid's slice (rows x cols) of its plane, or null. */
  slice: { index: number; plane: Plane; labels: Uint8Array } | null;
  state: 'running' | 'paused' | 'done' | 'stopped';
}

export interface DatasetCaseFiles {
  id: string;
  files: File[];
  /** What the file names say the case has, so a run checks every case before decoding any. */
  modalities: Modality[];
  hasLabels: boolean;
}

/** What the page hears about each case x mapping of an extraction queue. */
export interface DatasetCaseUpdate {
  kind: 'datasetCase';
  id: string;
  mapping: string;
  plane: Plane;
  state: 'extracting' | 'cached' | 'failed';
  /** The feature-store key, once done, so the page can drop this case's cache. */
  key?: string;
  /** Slices read from the cache and slices computed, once done. */
  fromCache?: number;
  computed?: number;
  error?: string;
}

export interface ScribbleRequest {
  scribbles: Uint8Array;
  classes: ScribbleClass[];
  viewSlice: number | null;
  /** The plane viewSlice counts along (the features' plane); axial when absent. */
  plane?: Plane;
  /** 'probe': the linear probe on the extracted features; 'voxels': the voxel head, no backbone (the page knows which case its features belong to). */
  head?: 'probe' | 'voxels';
  /** Start from a fresh head rather than the last one (after the classes changed, or on request). */
  restart?: boolean;
}

export type ScribbleRoundSummary = Omit<RoundResult, 'head'> & {
  /** Against the case's label map when it has one; null when the round was superseded or there is none. */
  scores: ClassScore[] | null;
};

/** A scribble run saved as an experiment. */
export interface ScribbleExperimentRequest {
  scribbles: Uint8Array;
  classes: ScribbleClass[];
  strokes: number;
  curve: ScribbleTrace['curve'];
  mapping: ChannelMapping;
  seed: number;
}

/** Where backbone weights come from. */
export type ModelSource = (
  | { kind: 'catalog'; id: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; name: string; bytes: Uint8Array }
  | { kind: 'random'; preset: Preset }
  /** A local checkpoint loaded before, kept in this browser's weight cache under its file name. */
  | { kind: 'kept'; name: string }
) & { interpolation?: PosInterpolation };

export interface ModelInfo {
  label: string;
  dim: number;
  depth: number;
  heads: number;
  registers: number;
  params: number;
  interpolation: PosInterpolation;
  randomWeights: boolean;
  fromCache: boolean;
  bytes: number;
  backend: BackendInfo;
  /** The trained adapter extraction runs through (LoRA merged into the weights), or null. */
  adapter: { id: string; merged: boolean } | null;
}

export interface RequestMap {
  readFiles: { files: NamedBytes[]; downsample?: number };
  synthesize: { seed: number; dims?: Dims3 };
  loadModel: { source: ModelSource; backend: BackendChoice };
  measureSpeed: { size: number; runs: number };
  weightCache: Record<string, never>;
  clearWeightCache: Record<string, never>;
  forgetWeights: { url: string };
  simulateBackendFailure: Record<string, never>;
  /** The case's volumes, sent once per case; later requests refer to it. */
  setCase: CaseVolumes;
  /** The case by the handles of files this worker read (keptFiles.ts): no voxels cross. */
  setKeptCase: KeptCase;
  extractFeatures: { mapping: ChannelMapping; plane: Plane; size: number; layers: number };
  previewSlice: { mapping: ChannelMapping; plane: Plane; size: number; slice: number };
  pcaOverlay: { scope: 'slice' | 'volume'; slice: number };
  featureCache: Record<string, never>;
  importFeatures: { bytes: Uint8Array };
  exportFeatures: Record<string, never>;
  clearFeatureCache: Record<string, never>;
  train: TrainSettings;
  /** view: the crosshair's voxel, whose slice the live prediction shows on the head's plane. */
  trainingControl: { action: 'pause' | 'resume' | 'stop' | 'view'; voxel?: [number, number, number] };
  predictVolume: Record<string, never>;
  exportHead: Record<string, never>;
  importHead: { json: string };
  /** The adapter fine-tuned in the Train step, as files (PEFT's for LoRA), with its head. */
  exportAdapter: Record<string, never>;
  /** An adapter's files and its head.json, applied to the loaded backbone and case. */
  importAdapter: { files: Record<string, Uint8Array> };
  /** Extraction through the Train step's adapter from now on (LoRA merged into the backbone), or through the frozen backbone again. */
  applyAdapter: { on: boolean };
  /** Train and score one head per mapping on the loaded case, with one split and seed. */
  /** Mappings with one head, or variants (head settings and mapping per arm). */
  compare: { mappings: ChannelMapping[]; variants?: Variant[]; settings: ComparisonSettings };
  /** A round of the scribble loop; a newer one supersedes it. */
  scribbleTrain: ScribbleRequest;
  /** The slice in view, predicted by the head in use. */
  predictSlice: { slice: number };
  /** The scribble head's run as an experiment record, scribbles inside. */
  scribbleExperiment: ScribbleExperimentRequest;
  /** A workspace's extraction queue: every case x mapping x plane into the feature cache. */
  datasetExtract: { cases: DatasetCaseFiles[]; mappings: ChannelMapping[]; planes: Plane[]; size: number; layers: number };
  /** Forget cached features by key (one case's), in memory and in IndexedDB. */
  dropFeatures: { keys: string[] };
  /** Train on some cases of a workspace, test on others, one run per variant. */
  datasetCompare: { train: DatasetCaseFiles[]; test: DatasetCaseFiles[]; variants: Variant[]; settings: ComparisonSettings; split: CaseSplit };
  /** A label volume on the case's grid as a DICOM SEG citing the source series (made here: it samples every source pixel). */
  dicomSeg: { labels: Uint8Array; dims: Dims3; affine: number[]; source: DicomSource; segments: Segment[]; algorithm: SegOptions['algorithm']; description: string; alignment?: Alignment };
}

export interface ResultMap {
  readFiles: CaseRead;
  /** The sample case, read in the worker as dropped files are: its volumes, never its file bytes, cross to the page. */
  synthesize: { loaded: CaseFile[]; failed: FileFailure[] };
  loadModel: ModelInfo;
  measureSpeed: { medianMs: number; backend: string };
  /** kept: the file name of a local checkpoint kept in the browser (absent for downloads). */
  weightCache: { entries: { url: string; bytes: number; kept?: string }[] };
  clearWeightCache: Record<string, never>;
  forgetWeights: Record<string, never>;
  simulateBackendFailure: Record<string, never>;
  setCase: Record<string, never>;
  /** False when a file is no longer kept here: the page sends the volumes instead. */
  setKeptCase: { set: boolean };
  extractFeatures: ExtractionResult;
  previewSlice: { rgb: Uint8Array; size: number };
  pcaOverlay: { rgba: Uint8Array; dims: Dims3 };
  featureCache: { bytes: number; keys: { key: string; slices: number; bytes: number }[] };
  importFeatures: { slices: number; settings: { mapping: ChannelMapping; size: number; plane: Plane; layers: number }; madeFor: string };
  exportFeatures: { bytes: Uint8Array };
  clearFeatureCache: Record<string, never>;
  train: { steps: number; validationDice: (number | null)[]; train: number[]; validation: number[] };
  trainingControl: Record<string, never>;
  predictVolume: { prediction: Uint8Array; uncertainty: Uint8Array; scores: RegionScore[]; readout: RegionReadout[] };
  exportHead: { json: string };
  importHead: { task: string; dim: number };
  exportAdapter: { files: Record<string, Uint8Array> };
  importAdapter: { kind: 'lora' | 'rein'; task: string };
  applyAdapter: ModelInfo;
  compare: { runs: { record: ExperimentRecord; prediction: Uint8Array }[] };
  scribbleTrain: ScribbleRoundSummary;
  predictSlice: { slice: SlicePrediction | null };
  scribbleExperiment: { record: ExperimentRecord; prediction: Uint8Array };
  datasetExtract: { done: number; failed: number };
  dropFeatures: Record<string, never>;
  datasetCompare: { runs: { record: ExperimentRecord; predictions: Record<string, Uint8Array> }[] };
  dicomSeg: { bytes: Uint8Array; frames: number; segments: string[] };
}

/** The registration worker's one message each way: two images on the case's grid, the world transform from fixed to moving. */
export interface RegistrationRequest {
  fixed: GridImage;
  moving: GridImage;
  affine: number[];
}
export type RegistrationResponse = { transform: number[]; seconds: number } | { error: string };

/** Live state of a long request: the training run, or a scribble round's first look at the slice. */
export type WorkerUpdate = TrainingUpdate | { kind: 'scribbleSlice'; slice: SlicePrediction } | DatasetCaseUpdate;

export type RequestType = keyof RequestMap;

export type WorkerRequest = {
  [K in RequestType]: { id: number; type: K; payload: RequestMap[K] };
}[RequestType] | { id: number; type: 'cancel'; target: number };

export type WorkerResponse =
  | { id: number; type: 'progress'; progress: Progress }
  /** Something the user should know that is not an error of this request (a backend fallback). */
  | { id: number; type: 'notice'; text: string }
  /** Live state of a long request (training). */
  | { id: number; type: 'update'; update: WorkerUpdate }
  | { id: number; type: 'result'; result: ResultMap[RequestType] }
  | { id: number; type: 'error'; message: string; cancelled?: boolean }
  /** The worker holds the Web Lock of its name: from now on the page can tell when it ends. */
  | { id: 0; type: 'alive' };
