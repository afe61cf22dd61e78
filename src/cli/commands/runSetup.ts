/** What `experiment` and `compare` share: cases from folders, training flags, the backbone. */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assembleCase, type BratsCase, type CaseFile, caseVolumes, type LazyCase } from '../../core/case/case.ts';
import { MODALITIES } from '../../core/case/roles.ts';
import { headMaskNote } from '../../core/case/headMask.ts';
import { describeResampling, parseReference } from '../../core/case/referenceGrid.ts';
import { LABEL_SOURCE_TEXT, labelSource } from '../../core/case/labelCandidates.ts';
import { type CaseRead, type FileFailure, isNiftiName, loadNotes, type ReadCaseOptions, readCaseFiles, readCaseInput } from '../../core/case/load.ts';
import { applyRoleOverrides, parseRoleOverride, type RoleOverride } from '../../core/case/roleOverrides.ts';
import { mappingKey, type ChannelMapping } from '../../core/features/channels.ts';
import { mappingProblems } from '../../core/experiments/compare.ts';
import type { Plane } from '../../core/features/slices.ts';
import { type FeatureStore, memoryFeatureStore, parseFeatureKey } from '../../core/features/store.ts';
import { caseContentHash } from '../../core/features/extract.ts';
import { type DatasetCase, datasetCases } from '../store/dataset.ts';
import { type CaseSplit, checkSplitCases, makeSplit, parseSplit, partOf, splitJson } from '../../core/dataset/split.ts';
import { diskFeatureStore, FeaturesMissing } from '../store/diskFeatureStore.ts';
import { datasetShard } from '../store/shard.ts';
import { type Backbone, DEFAULT_SETTINGS } from '../../core/experiments/experiment.ts';
import { describeEstimate, extractionEstimate, secondsPerSlice } from '../../core/features/estimate.ts';
import { headPlanes, type HeadSettings, usesBackbone } from '../../core/heads/headSettings.ts';
import { caseBrain } from '../../core/voxels/voxelFeatures.ts';
import type { Task } from '../../core/heads/tasks.ts';
import { labelsTask } from '../../core/dataset/task.ts';
import { forwardOptions, layersOfKey, patchTokens } from '../../core/models/dinov2/layers.ts';
import { backboneHash, loadDinoV2 } from '../../core/models/dinov2/load.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { caseIdOfInputs, readCaseInputs } from '../files.ts';
import { HEAD_FLAGS, headFlags } from '../headFlags.ts';
import { BACKEND_FLAG, chooseNodeBackend, type NodeBackendChoice, useNodeBackend } from '../tfNode.ts';
import { progressReporter } from '../progress.ts';

export const ROLE_FLAG = `[--role 'PATTERN=ROLE' ...] [--downsample N] [--reference flair|t1|t1ce|t2|iso:MM]`;
export const TRAINING_FLAGS = `${ROLE_FLAG} ${BACKEND_FLAG} --weights W.safetensors [--features STORE] --epochs N --seed S [--size 224] [--lr 0.01] [--batch 8] [--task regions|binary|labels] ${HEAD_FLAGS}`;

/** `--role 'GOLD_STANDARD*=seg'`: roles by hand, for names the reader does not recognise. */
export function roleOverrides(args: ParsedArgs): RoleOverride[] {
  return (args.flags.get('role') ?? []).map((text) => {
    try {
      return parseRoleOverride(text);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
}

/**
 * `--downsample N`: read every volume in blocks of N^3 voxels, for volumes too large to hold.
 * `--reference R`: the grid sequences on other grids are resampled onto.
 */
export function readOptions(args: ParsedArgs): ReadCaseOptions {
  const options: ReadCaseOptions = {};
  if (args.flags.has('downsample')) {
    const f = Number(flag(args, 'downsample'));
    if (!Number.isInteger(f) || f < 1 || f > 8) throw new UsageError('--downsample takes a whole factor from 1 to 8');
    options.downsample = f;
  }
  if (args.flags.has('reference')) {
    try {
      options.reference = parseReference(flag(args, 'reference'));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return options;
}

/** The files that failed, each with its reason; a volume too large says which --downsample opens it. */
export function failedFilesMessage(failed: FileFailure[]): string {
  const factor = Math.max(0, ...failed.map((f) => f.downsample ?? 0));
  return failed.map((f) => `${f.name}: ${f.error}`).join('\n') + (factor ? `\nrun again with --downsample ${factor}` : '');
}

const describeFiles = (files: CaseFile[]) => files.map((f) => `${f.name} (${f.role})`).join(', ');

/** One case folder, read, given roles (by name, then by --role) and assembled; the label-map choice goes to stderr. */
export function loadCase(dir: string, overrides: RoleOverride[] = [], options: ReadCaseOptions = {}): BratsCase {
  return readCase(dir, overrides, options).c;
}

function readCase(dir: string, overrides: RoleOverride[], options: ReadCaseOptions): { dir: string; c: BratsCase; files: CaseFile[] } {
  return readCaseAt([dir], caseIdOfInputs([dir]) ?? basename(dir), overrides, options);
}

/** DICOM folders named on the command line, converted once before a command runs (convertDicomFolders). */
const convertedFolders = new Map<string, CaseRead>();

/**
 * The case folders a command names (positionals, --train, --test, --case) that hold DICOM series and no
 * NIfTI, converted by dcm2niix (asynchronously, as WebAssembly loads) before the command's own,
 * synchronous reading: every command then reads a PACS export as it reads a NIfTI folder.
 */
export async function convertDicomFolders(args: ParsedArgs): Promise<void> {
  const dirs = [...args.positionals, ...(['train', 'test', 'case'] as const).flatMap((f) => args.flags.get(f) ?? [])].filter((p) => existsSync(p) && statSync(p).isDirectory());
  for (const dir of dirs) {
    // A NIfTI case folder (the common case) is told by its file names, not read here a second time.
    if (readdirSync(dir).some(isNiftiName)) continue;
    const files = readCaseInputs([dir], { dicom: true });
    if (files.length === 0) continue;
    const read = await readCaseInput(files, undefined, readOptions(args));
    for (const s of read.skipped) process.stderr.write(`${dir}: ${s.name}: skipped, ${s.reason}\n`);
    convertedFolders.set(resolve(dir), read);
  }
}

/** A case from a folder or from files (a flat dataset folder's case), under the given id. */
export function readCaseAt(paths: string[], id: string, overrides: RoleOverride[], options: ReadCaseOptions, say = true): { dir: string; c: BratsCase; files: CaseFile[] } {
  const converted = paths.length === 1 ? convertedFolders.get(resolve(paths[0])) : undefined;
  return assembleRead(converted ?? readCaseFiles(readCaseInputs(paths), undefined, options), paths, id, overrides, options, say);
}

/** The same, for folders that may hold DICOM series (converted by dcm2niix first): `info` and `reslice`. */
export async function readCaseWithDicom(paths: string[], id: string, overrides: RoleOverride[], options: ReadCaseOptions): Promise<{ dir: string; c: BratsCase; files: CaseFile[]; read: CaseRead }> {
  const read = await readCaseInput(readCaseInputs(paths, { dicom: true }), undefined, options);
  for (const s of read.skipped) process.stderr.write(`${s.name}: skipped, ${s.reason}\n`);
  return { ...assembleRead(read, paths, id, overrides, options, true), read };
}

function assembleRead(read: { loaded: CaseFile[]; failed: FileFailure[] }, paths: string[], id: string, overrides: RoleOverride[], options: ReadCaseOptions, say: boolean): { dir: string; c: BratsCase; files: CaseFile[] } {
  const dir = paths.length === 1 ? paths[0] : id;
  const write = (text: string) => say && process.stderr.write(text);
  const { loaded, failed } = read;
  if (failed.length) throw new Error(failedFilesMessage(failed));
  for (const note of loadNotes(loaded)) write(`${dir}: ${note}\n`);
  const { files, unmatched } = applyRoleOverrides(loaded, overrides);
  for (const p of unmatched) write(`${dir}: --role pattern "${p}" matches no file\n`);
  const c = assembleCase(files, { id, reference: options.reference });
  if (c.grid.resampled.length) write(`${dir}: ${describeResampling(c)}\n`);
  if (c.brainmaskSource === 'head') write(`${dir}: ${headMaskNote(c.brainmask!)}\n`);
  if (c.labels && c.labelAlternatives.length) {
    write(`${dir}: scoring against ${c.labels.fileName} (${LABEL_SOURCE_TEXT[labelSource(c.labels.fileName)]}); other label maps: ${c.labelAlternatives.join(', ')} (choose one with --role 'NAME=seg')\n`);
  }
  return { dir, c, files };
}

/**
 * Every case checked before the backbone loads or a slice is extracted: a missing label map or
 * modality should fail in a second, not after minutes of features.
 */
export function checkCases(cases: { dir: string; c: BratsCase; files: CaseFile[] }[], mappings: ChannelMapping[]): void {
  const problems = cases.filter(({ c }) => !c.labels).map(({ dir, c, files }) => `case ${c.id} (${dir}) has no label map (files: ${describeFiles(files)}); give its role by hand, e.g. --role 'NAME*=seg'`);
  problems.push(...mappingProblems(cases.map(({ c }) => ({ id: c.id, volumes: c.modalities })), mappings));
  if (problems.length) throw new Error(problems.join('\n'));
}

/** The mappings to check on every case: only heads that read the backbone use one (a voxel head reads every modality). */
export const backboneMappings = (runs: { mapping: ChannelMapping; head: HeadSettings }[]) =>
  runs.filter((r) => usesBackbone(r.head.head)).flatMap((r) => [r.mapping, ...r.head.extraMappings]);

/**
 * A case of a run. Folders named one by one are read at once and held; a dataset's cases are
 * decoded when a step needs them and let go after, so a run over hundreds of cases holds one.
 */
export interface RunCase extends LazyCase {
  /** The case as read from disk, headers and all (decoded again for a dataset's case). */
  read(): BratsCase;
}

const heldCase = (c: BratsCase): RunCase => ({ id: c.id, modalities: MODALITIES.filter((m) => c.modalities[m]), hasLabels: !!c.labels, read: () => c, load: async () => caseVolumes(c) });

function datasetCase(d: DatasetCase, overrides: RoleOverride[], options: ReadCaseOptions): RunCase {
  // Decoded afresh at each step: what reading it has to say is said the first time only.
  let said = false;
  const read = () => {
    const c = readCaseAt(d.paths, d.id, overrides, options, !said).c;
    said = true;
    return c;
  };
  return { id: d.id, modalities: d.modalities, hasLabels: d.hasLabels, read, load: async () => caseVolumes(read()) };
}

export function caseFolders(args: ParsedArgs, testRequired: boolean, mappings: ChannelMapping[]): { train: RunCase[]; test: RunCase[]; split?: CaseSplit } {
  const trainDirs = args.flags.get('train') ?? [];
  const testDirs = args.flags.get('test') ?? [];
  const overrides = roleOverrides(args);
  const options = readOptions(args);
  const dataset = args.flags.get('dataset')?.[0];
  if (dataset) {
    if (trainDirs.length || testDirs.length) throw new UsageError('give --dataset DIR (with --split) or --train/--test folders, not both');
    const { train, test, split } = datasetSplit(args, dataset);
    if (overrides.length) {
      // Roles set by hand are known only once the files are read: check every case as read.
      const [trainCases, testCases] = [train.map((c) => readCaseAt(c.paths, c.id, overrides, options)), test.map((c) => readCaseAt(c.paths, c.id, overrides, options))];
      checkCases([...trainCases, ...testCases], mappings);
      return { train: trainCases.map((t) => heldCase(t.c)), test: testCases.map((t) => heldCase(t.c)), split };
    }
    // The file names say each case's roles: checked before any volume is decoded.
    checkNamedCases([...train, ...test], mappings);
    return { train: train.map((d) => datasetCase(d, overrides, options)), test: test.map((d) => datasetCase(d, overrides, options)), split };
  }
  if (!trainDirs.length || (testRequired && !testDirs.length && !args.flags.has('test-dataset'))) throw new UsageError(testRequired ? 'give --train and --test folders, or --dataset DIR' : 'give --train folders (and --test folders, or none to hold out slices), or --dataset DIR');
  const load = (dir: string) => readCase(dir, overrides, options);
  const [train, test] = [trainDirs.map(load), [...testDirs.map(load), ...testShard(args).map((c) => readCaseAt(c.paths, c.id, overrides, options))]];
  checkCases([...train, ...test], mappings);
  return { train: train.map((t) => heldCase(t.c)), test: test.map((t) => heldCase(t.c)) };
}

function checkNamedCases(cases: DatasetCase[], mappings: ChannelMapping[]): void {
  const problems = cases.filter((c) => !c.hasLabels).map((c) => `case ${c.id} has no label map by its file names (${c.files.join(', ')}); give its role by hand, e.g. --role 'NAME*=seg'`);
  problems.push(...mappingProblems(cases.map((c) => ({ id: c.id, volumes: Object.fromEntries(c.modalities.map((m) => [m, true])) })), mappings));
  if (problems.length) throw new Error(problems.join('\n'));
}

/** Test cases from this job's shard of a dataset (experiment, compare and finetune read them through caseFolders). */
export const TEST_SHARD_FLAGS = '[--test-dataset DIR [--shard K/N | --shards N]]';
export const DATASET_FLAGS = '--dataset DIR (--split split.json | --split-seed S --test-fraction F [--validation-fraction F]) [--write-split split.json]';

/**
 * `--dataset DIR --split split.json`: the cases the app's workspace exports a split for, so a run
 * in the app is repeated in batch on the same cases; without a file, a split drawn as the app
 * draws it (same seed, same fractions, same cases: same split).
 */
export function datasetSplit(args: ParsedArgs, dir: string): { train: DatasetCase[]; test: DatasetCase[]; split: CaseSplit } {
  const cases = datasetCases(dir);
  const ids = cases.map((c) => c.id);
  const file = args.flags.get('split')?.[0];
  let split: CaseSplit;
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`--split ${file}: ${(e as Error).message}`);
    }
    split = parseSplit(json);
  } else {
    const fraction = (name: string, fallback: string) => {
      const f = Number(flag(args, name, fallback));
      if (!(f >= 0 && f < 1)) throw new UsageError(`--${name} is a fraction from 0 to below 1`);
      return f;
    };
    split = makeSplit(ids, { seed: intFlag(args, 'split-seed', 0), testFraction: fraction('test-fraction', '0.2'), validationFraction: fraction('validation-fraction', '0') });
  }
  checkSplitCases(split, ids);
  if (!split.test.length) throw new UsageError('the split has no test case: raise --test-fraction or add test cases to the split file');
  const out = args.flags.get('write-split')?.[0];
  if (out) writeFileSync(out, splitJson(split));
  const unused = ids.filter((id) => !partOf(split, id));
  process.stderr.write(`split${file ? ` from ${file}` : ` drawn with seed ${split.seed}`}: ${split.train.length} train, ${split.validation.length} validation (not used to train), ${split.test.length} test${unused.length ? `, ${unused.length} in no part` : ''}\n`);
  const byId = new Map(cases.map((c) => [c.id, c]));
  return { train: split.train.map((id) => byId.get(id)!), test: split.test.map((id) => byId.get(id)!), split };
}

/**
 * `--test-dataset DIR`: this job's shard of a dataset's cases as test cases (--shard K/N or the job
 * array's environment, as `extract` takes them), so a job array scores a dataset and `merge` joins it.
 */
function testShard(args: ParsedArgs): DatasetCase[] {
  const dir = args.flags.get('test-dataset')?.[0];
  if (!dir) return [];
  return datasetShard(args, dir, 'test shard').cases;
}

/** --task, else what the training cases' label maps suggest, as the app chooses it (one tumour label: binary). */
export async function chosenTask(args: ParsedArgs, train: RunCase[]): Promise<Task> {
  if (args.flags.has('task')) return flag(args, 'task') as Task;
  const { task, values } = await labelsTask(train);
  process.stderr.write(`task ${task}, from the label values ${values.join(', ')} (--task to choose another)\n`);
  return task;
}

export function trainingFlags(args: ParsedArgs) {
  const task = flag(args, 'task', 'regions') as Task;
  if (!['regions', 'binary', 'labels'].includes(task)) throw new UsageError('--task must be regions, binary or labels');
  return {
    ...DEFAULT_SETTINGS,
    size: intFlag(args, 'size', DEFAULT_SETTINGS.size),
    epochs: intFlag(args, 'epochs', DEFAULT_SETTINGS.epochs),
    batchSize: intFlag(args, 'batch', DEFAULT_SETTINGS.batchSize),
    seed: intFlag(args, 'seed', DEFAULT_SETTINGS.seed),
    learningRate: Number(flag(args, 'lr', String(DEFAULT_SETTINGS.learningRate))),
    task,
    ...headFlags(args),
  };
}

/**
 * The backbone, on a real GPU through Dawn when there is one (--backend auto), else wasm. Heads,
 * losses and metrics stay on wasm: WebGPU in Node cannot read a tensor synchronously, and they do.
 * So on a GPU only the forward pass switches to webgpu, and its tokens come back asynchronously.
 * `gpu: false` (fine-tuning, whose gradients read the backbone's tensors) keeps it all on wasm.
 */
export async function loadBackbone(args: ParsedArgs, options: { gpu?: boolean } = {}) {
  const weightPaths = args.flags.get('weights') ?? [];
  if (!weightPaths.length) throw new UsageError('missing --weights');
  const choice = backendChoice(args);
  if (options.gpu === false && choice === 'webgpu') throw new UsageError('--backend webgpu: fine-tuning runs on wasm (its gradients read tensors synchronously, which WebGPU in Node cannot)');
  const engine = await chooseNodeBackend(options.gpu === false && choice === 'auto' ? 'wasm' : choice);
  const onGpu = engine.name === 'webgpu';
  process.stderr.write(`backend: ${engine.reason}\n`);
  const files = weightPaths.map((p) => new Uint8Array(readFileSync(p)));
  const model = loadDinoV2(files); // on the GPU when there is one: its weights live there
  if (onGpu) await useNodeBackend('wasm');
  const forward = async (input: Float32Array, s: number, layers: number) => {
    if (onGpu) await tf.setBackend('webgpu');
    try {
      const t = tf.tidy(() => patchTokens(model.forward(tf.tensor4d(input, [1, 3, s, s]), forwardOptions(layers)), layers));
      const values = (await t.data()) as Float32Array;
      t.dispose();
      return values;
    } finally {
      if (onGpu) await tf.setBackend('wasm');
    }
  };
  const backbone: Backbone = {
    dim: model.config.dim,
    modelHash: await backboneHash(files, model.config.interpolation),
    embed: (input, s, layers = 1) => forward(input, s, layers),
  };
  const description = { weights: weightPaths.map((p) => basename(p)), randomWeights: model.config.randomWeights, dim: model.config.dim, depth: model.config.depth, backend: engine.name, backendReason: engine.reason };
  return { backbone, description, model };
}

const BACKENDS = ['auto', 'webgpu', 'wasm', 'cpu'] as const;
function backendChoice(args: ParsedArgs): NodeBackendChoice {
  const v = args.flags.get('backend')?.[0] ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(v)) throw new UsageError(`--backend ${v}: use one of ${BACKENDS.join(', ')}`);
  return v as NodeBackendChoice;
}

/** Progress on stderr: redrawn on a terminal, a line a phase in a log. */
export const cliProgress = () => progressReporter(process.stderr);

/** The planes and mappings a set of runs extracts features for (each pair once; the cache shares it). */
export function extractionWork(runs: { mapping: ChannelMapping; head: HeadSettings }[], plane: Plane): { planes: Plane[]; mappings: number } | null {
  const reading = runs.filter((r) => usesBackbone(r.head.head));
  if (!reading.length) return null;
  const planes = [...new Set(reading.flatMap((r) => headPlanes(r.head, plane)))];
  const mappings = new Set(reading.flatMap((r) => [r.mapping, ...r.head.extraMappings].map(mappingKey)));
  return { planes, mappings: mappings.size };
}

/**
 * The extraction a run is about to do, printed before it starts: per plane for the first case at
 * the backbone's measured rate, and for all cases and mappings. Null when no head reads the backbone.
 */
export async function announceExtraction(cases: RunCase[], backbone: Backbone, size: number, work: { planes: Plane[]; mappings: number } | null) {
  if (!work) {
    process.stderr.write('heads on voxel inputs alone: no backbone extraction\n');
    return null;
  }
  const rate = await secondsPerSlice(backbone.embed, size);
  // The first case stands for the others: decoding every case only to estimate would be work twice.
  const first = await cases[0].load();
  const firstCase = extractionEstimate(caseBrain(first.volumes, first.brainmask), first.dims, rate, work.planes);
  const total = firstCase.reduce((s, p) => s + p.seconds, 0) * work.mappings * cases.length;
  const many = work.mappings > 1 ? ` (x ${work.mappings} mappings)` : '';
  process.stderr.write(`extraction estimate at ${rate.toFixed(2)} s a slice: ${cases[0].id}: ${describeEstimate(firstCase)}${many}; all ${cases.length} cases ≈ ${(total / 60).toFixed(1)} min (cached slices are skipped)\n`);
  return { secondsPerSlice: +rate.toFixed(3), mappings: work.mappings, firstCase: firstCase.map((p) => ({ ...p, seconds: Math.round(p.seconds * work.mappings) })), totalSeconds: Math.round(total) };
}

/**
 * Where a run's features come from: extracted in memory, or with --features STORE read from a
 * store `extract` wrote (never computed: a case missing there is an error naming it and the
 * command that makes it).
 */
export async function runFeatureStore(args: ParsedArgs, cases: RunCase[]): Promise<{ store: FeatureStore; explain: (e: unknown) => Promise<unknown> }> {
  const dir = args.flags.get('features')?.[0];
  if (!dir) return { store: memoryFeatureStore(), explain: async (e) => e };
  // Which case a missing key's content hash is: found when needed, a case at a time.
  const caseOf = async (hash: string) => {
    for (const c of cases) {
      const v = await c.load();
      if ((await caseContentHash(v.volumes, v.brainmask)).startsWith(hash)) return c.id;
    }
    return hash;
  };
  return {
    store: diskFeatureStore(dir, { readOnly: true }),
    async explain(e) {
      if (!(e instanceof FeaturesMissing)) return e;
      const { caseHash, mapping, size, plane, layers } = parseFeatureKey(e.key);
      const blocks = layersOfKey(layers);
      const m = mappingKey(mapping);
      return new Error(
        `${dir} has no features of case ${await caseOf(caseHash)} for mapping ${m} at ${size} (${plane}, ${layers} block${blocks === 1 ? '' : 's'}) from these weights; ` +
          `make them with: npm run -s studio -- extract --dataset DIR --mapping ${m} --weights <the same weights> --size ${size} --plane ${plane}${blocks === 1 ? '' : ` --layers ${blocks}`} --out ${dir}`,
      );
    },
  };
}

/** The F16 feature cache a run filled: one entry per case, mapping, plane and layer choice. */
export async function featureCacheUsage(store: FeatureStore) {
  const u = await store.usage();
  return { megabytes: +(u.bytes / 2 ** 20).toFixed(1), entries: u.keys.map((k) => ({ key: k.key, slices: k.slices, megabytes: +(k.bytes / 2 ** 20).toFixed(1) })) };
}
