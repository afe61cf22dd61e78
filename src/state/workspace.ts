/**
 * A dataset workspace: many cases from one folder, their features extracted in a background
 * queue, split by case, trained on some and tested on others. What was computed lives in the
 * worker's IndexedDB caches; what the table shows (cases, split, statuses, last scores) is kept
 * in localStorage, so a reload keeps it all and only the folder must be opened again (browsers
 * do not keep file access over a reload; Chromium can keep a folder handle, see ui/folder.ts).
 */
import { create } from 'zustand';
import { type DatasetCase, groupDatasetFiles } from '../core/dataset/cases.ts';
import { type CaseSplit, makeSplit, moveCase, parseSplit, type SplitPart, splitJson } from '../core/dataset/split.ts';
import type { ComparisonSettings, Variant } from '../core/experiments/compare.ts';
import { mappingName } from '../core/experiments/compare.ts';
import { headPlanes, HEAD_NAMES, headSettingsOver, DEFAULT_HEAD, usesBackbone } from '../core/heads/headSettings.ts';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import { type ChannelMapping, mappingKey, parseMapping } from '../core/features/channels.ts';
import type { Plane } from '../core/features/slices.ts';
import { CancelledError, computeClient } from '../worker/client.ts';
import type { DatasetCaseFiles, Progress } from '../worker/protocol.ts';
import { saveRecord } from './experimentDb.ts';
import { comparisonSettings, useExperiments } from './experiments.ts';
import { useFeatures } from './features.ts';
import { report } from './messages.ts';
import { hiddenWidths, useTraining } from './training.ts';
import { setMainView } from './view.ts';

export type FeatureState = 'cached' | 'queued' | 'extracting' | 'missing' | 'failed';

export interface CaseScores {
  run: string;
  dice: Record<string, number | null>;
}

interface Persisted {
  name: string;
  cases: DatasetCase[];
  split: CaseSplit;
  /** Per case, per "mapping|plane|size": what the cache holds. */
  features: Record<string, Record<string, FeatureState>>;
  /** Per case, the feature-store keys its extractions wrote, so its cache can be dropped alone. */
  featureKeys: Record<string, string[]>;
  /** Per case, the last dataset run's Dice per region, one entry per variant. */
  scores: Record<string, CaseScores[]>;
  /** The last dataset run's experiment ids. */
  lastRun: string[];
}

export interface QueueState {
  state: 'idle' | 'running' | 'paused';
  done: number;
  total: number;
  startedAt: number;
  /** Work units done since the queue (re)started, for the time left. */
  doneThisRun: number;
  caseProgress: Progress | null;
  /** Slices computed and read from the cache, since the queue (re)started. */
  computed: number;
  fromCache: number;
}

interface WorkspaceState extends Persisted {
  /** The files of each case, while the folder is open in this page (never persisted). */
  files: Record<string, File[]>;
  skipped: { path: string; reason: string }[];
  queue: QueueState;
  running: boolean;
  progress: Progress | null;
}

const STORAGE_KEY = 'dino-seg-studio-workspace';
const EMPTY: Persisted = { name: '', cases: [], split: { train: [], validation: [], test: [] }, features: {}, featureKeys: {}, scores: {}, lastRun: [] };
const IDLE_QUEUE: QueueState = { state: 'idle', done: 0, total: 0, startedAt: 0, doneThisRun: 0, caseProgress: null, computed: 0, fromCache: 0 };

function restore(): Persisted {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
    if (!raw) return EMPTY;
    const p = JSON.parse(raw) as Persisted;
    // An extraction that a reload interrupted is missing work, not work in progress.
    for (const byKey of Object.values(p.features)) for (const k of Object.keys(byKey)) if (byKey[k] !== 'cached' && byKey[k] !== 'failed') byKey[k] = 'missing';
    return { ...EMPTY, ...p };
  } catch {
    return EMPTY;
  }
}

export const useWorkspace = create<WorkspaceState>(() => ({ ...restore(), files: {}, skipped: [], queue: IDLE_QUEUE, running: false, progress: null }));

function persist(): void {
  const { name, cases, split, features, featureKeys, scores, lastRun } = useWorkspace.getState();
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ name, cases, split, features, featureKeys, scores, lastRun }));
  } catch (e) {
    report('error', `The browser would not keep the workspace's table (${(e as Error).message}); computed features stay in the cache.`, 'workspace-storage');
  }
}

/** The key of one extraction of a case: what a cache entry depends on besides the case and model. */
export const featureSlot = (mapping: ChannelMapping, plane: Plane, size: number) => `${mappingKey(mapping)}|${plane}|${size}`;

/** The slots the comparison needs: each of the Compare step's mappings on each plane its head reads. */
export function neededSlots(): { mapping: ChannelMapping; plane: Plane; slot: string }[] {
  const { plane, size } = useFeatures.getState();
  const planes = headPlanes({ planes: useTraining.getState().planes }, plane);
  return useExperiments.getState().mappings.flatMap((mapping) => planes.map((p) => ({ mapping, plane: p, slot: featureSlot(mapping, p, size) })));
}

/** Opens a folder's files (each with its path inside the folder): cases grouped, problems listed. */
export function openDataset(name: string, entries: { path: string; file: File }[]): void {
  const { cases, skipped } = groupDatasetFiles(entries.map((e) => e.path));
  if (!cases.length) {
    report('error', `${name} holds no case: no NIfTI files (.nii, .nii.gz) were found in it${skipped.length ? `; ${skipped.length} files were skipped (${skipped[0].reason})` : ''}. The workspace shown before is kept.`);
    return;
  }
  const byPath = new Map(entries.map((e) => [e.path, e.file]));
  const files = Object.fromEntries(cases.map((c) => [c.id, c.files.map((p) => byPath.get(p)!)]));
  const before = useWorkspace.getState();
  const same = before.name === name;
  const usable = cases.filter((c) => !c.problems.length).map((c) => c.id);
  // The same folder again (after a reload): its split, statuses and scores stay.
  const split = same && before.cases.length ? keepSplit(before.split, usable) : makeSplit(usable, { seed: 0, testFraction: 0.2 });
  useWorkspace.setState({ name, cases, files, skipped, split, ...(same ? {} : { features: {}, featureKeys: {}, scores: {}, lastRun: [] }) });
  persist();
  const bad = cases.filter((c) => c.problems.length);
  report('info', `${name}: ${cases.length} case${cases.length === 1 ? '' : 's'}${bad.length ? `, ${bad.length} with a problem (listed in the table, left out of the split)` : ''}${skipped.length ? `; ${skipped.length} files skipped` : ''}.`, 'workspace');
}

/** A kept split, without cases that are gone, and with new cases put to training. */
function keepSplit(split: CaseSplit, ids: string[]): CaseSplit {
  const have = new Set(ids);
  const out: CaseSplit = { ...split, train: split.train.filter((id) => have.has(id)), validation: split.validation.filter((id) => have.has(id)), test: split.test.filter((id) => have.has(id)) };
  const placed = new Set([...out.train, ...out.validation, ...out.test]);
  out.train = [...out.train, ...ids.filter((id) => !placed.has(id))].sort();
  return out;
}

const usableIds = () => useWorkspace.getState().cases.filter((c) => !c.problems.length).map((c) => c.id);

export function drawSplit(seed: number, testFraction: number, validationFraction: number): void {
  try {
    useWorkspace.setState({ split: makeSplit(usableIds(), { seed, testFraction, validationFraction }) });
    persist();
  } catch (e) {
    report('error', (e as Error).message);
  }
}

export function moveToPart(id: string, part: SplitPart): void {
  useWorkspace.setState((s) => ({ split: moveCase(s.split, id, part) }));
  persist();
}

export const exportSplit = () => splitJson(useWorkspace.getState().split);

export function importSplit(text: string): void {
  try {
    const split = parseSplit(JSON.parse(text));
    const have = new Set(usableIds());
    const unknown = [...split.train, ...split.validation, ...split.test].filter((id) => !have.has(id));
    if (unknown.length) throw new Error(`it names ${unknown.length} case${unknown.length === 1 ? '' : 's'} this workspace does not have: ${unknown.slice(0, 5).join(', ')}`);
    useWorkspace.setState({ split });
    persist();
    report('info', `Split imported: ${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test.`, 'workspace');
  } catch (e) {
    report('error', `The split file was not used: ${(e as Error).message}. The split shown before is kept.`);
  }
}

function setFeature(id: string, slot: string, state: FeatureState): void {
  useWorkspace.setState((s) => ({ features: { ...s.features, [id]: { ...s.features[id], [slot]: state } } }));
}

function caseFiles(ids: string[]): DatasetCaseFiles[] {
  const { files } = useWorkspace.getState();
  const missing = ids.filter((id) => !files[id]);
  if (missing.length) throw new Error(`open the folder ${useWorkspace.getState().name} again: this page no longer has the files of ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''} (browsers forget opened files on a reload; what was computed is kept)`);
  const byId = new Map(useWorkspace.getState().cases.map((c) => [c.id, c]));
  return ids.map((id) => ({ id, files: files[id], modalities: byId.get(id)!.modalities, hasLabels: byId.get(id)!.hasLabels }));
}

let queueController: AbortController | null = null;

/**
 * Extracts every usable case's features for the comparison's mappings, cases in the table's
 * order. What the cache holds is read, not recomputed, so Resume (or a queue started after a
 * reload) goes on where the last one stopped.
 */
export async function startQueue(): Promise<void> {
  const s = useWorkspace.getState();
  if (s.queue.state === 'running') return;
  const slots = neededSlots();
  const ids = usableIds().filter((id) => slots.some((x) => s.features[id]?.[x.slot] !== 'cached'));
  if (!ids.length) return report('info', 'Every case already has its features for these mappings.', 'workspace');
  let cases: DatasetCaseFiles[];
  try {
    cases = caseFiles(ids);
  } catch (e) {
    return report('error', (e as Error).message, 'workspace');
  }
  for (const id of ids) for (const x of slots) if (s.features[id]?.[x.slot] !== 'cached') setFeature(id, x.slot, 'queued');
  const total = usableIds().length;
  const already = total - ids.length;
  queueController = new AbortController();
  useWorkspace.setState({ queue: { ...IDLE_QUEUE, state: 'running', done: already, total, startedAt: performance.now() } });
  const { size, layers } = useFeatures.getState();
  const finished = new Map<string, number>();
  try {
    const r = await computeClient().request(
      'datasetExtract',
      { cases, mappings: [...new Map(slots.map((x) => [mappingKey(x.mapping), x.mapping])).values()], planes: [...new Set(slots.map((x) => x.plane))], size, layers },
      {
        signal: queueController.signal,
        onProgress: (caseProgress) => useWorkspace.setState((w) => ({ queue: { ...w.queue, caseProgress } })),
        onUpdate: (u) => {
          if (!('kind' in u) || u.kind !== 'datasetCase') return;
          const slot = featureSlot(parseMapping(u.mapping), u.plane, size);
          setFeature(u.id, slot, u.state === 'failed' ? (u.error === 'paused' ? 'missing' : 'failed') : u.state);
          if (u.key) useWorkspace.setState((w) => ({ featureKeys: { ...w.featureKeys, [u.id]: [...new Set([...(w.featureKeys[u.id] ?? []), u.key!])] } }));
          if (u.state === 'failed' && u.error !== 'paused') report('error', `${u.id}: ${u.error}`);
          if (u.state === 'extracting') return;
          finished.set(u.id, (finished.get(u.id) ?? 0) + 1);
          if (finished.get(u.id) === slots.length) {
            useWorkspace.setState((w) => ({ queue: { ...w.queue, done: w.queue.done + 1, doneThisRun: w.queue.doneThisRun + 1, computed: w.queue.computed + (u.computed ?? 0), fromCache: w.queue.fromCache + (u.fromCache ?? 0) } }));
          } else useWorkspace.setState((w) => ({ queue: { ...w.queue, computed: w.queue.computed + (u.computed ?? 0), fromCache: w.queue.fromCache + (u.fromCache ?? 0) } }));
          persist();
        },
      },
    );
    report('info', `Features ready for ${r.done} case${r.done === 1 ? '' : 's'}${r.failed ? `; ${r.failed} failed (named above)` : ''}.`, 'workspace');
    useWorkspace.setState((w) => ({ queue: { ...w.queue, state: 'idle', caseProgress: null } }));
  } catch (e) {
    const paused = e instanceof CancelledError || queueController?.signal.aborted;
    useWorkspace.setState((w) => ({ queue: { ...w.queue, state: paused ? 'paused' : 'idle', caseProgress: null } }));
    if (!paused) report('error', `The extraction queue stopped: ${(e as Error).message}`);
  } finally {
    queueController = null;
    persist();
  }
}

/** Pause: stop after the slice in progress; every slice done is in the cache for Resume. */
export const pauseQueue = () => queueController?.abort();

/** Cancel: stop, and leave nothing queued. */
export function cancelQueue(): void {
  queueController?.abort();
  useWorkspace.setState((s) => ({
    queue: IDLE_QUEUE,
    features: Object.fromEntries(Object.entries(s.features).map(([id, byKey]) => [id, Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, v === 'queued' || v === 'extracting' ? 'missing' : v]))])),
  }));
  persist();
}

/** Seconds left in the queue, from the pace of the cases done since it started; null before one is done. */
export function queueSecondsLeft(q: QueueState, now = performance.now()): number | null {
  if (!q.doneThisRun || q.state !== 'running') return null;
  return (((now - q.startedAt) / 1000) * (q.total - q.done)) / q.doneThisRun;
}

let runController: AbortController | null = null;

/** The training panel's settings, as a comparison of the workspace's mappings takes them. */
function runSettings(): { settings: ComparisonSettings; variants: Variant[] } {
  const t = useTraining.getState();
  const f = useFeatures.getState();
  const hidden = hiddenWidths(t.hidden);
  // Mappings differ only in what the backbone sees: a head that reads no backbone would score them alike.
  const head = headSettingsOver(DEFAULT_HEAD, { head: usesBackbone(t.head) ? t.head : 'fine', hidden, jitter: t.jitter, postprocess: t.postprocess, layers: f.layers, planes: t.planes });
  const settings = comparisonSettings();
  return { settings, variants: useExperiments.getState().mappings.map((mapping) => ({ name: mappingName(mapping), mapping, head })) };
}

export const runHeadName = () => HEAD_NAMES[usesBackbone(useTraining.getState().head) ? useTraining.getState().head : 'fine'];

/** Train on the split's training cases, test on its test cases, one experiment per mapping, compared. */
export async function runDatasetComparison(): Promise<void> {
  const s = useWorkspace.getState();
  if (!s.split.train.length || !s.split.test.length) return report('error', 'The split needs training and test cases: draw a split with a test fraction above 0, or move cases by hand.');
  let train: DatasetCaseFiles[];
  let test: DatasetCaseFiles[];
  try {
    [train, test] = [caseFiles(s.split.train), caseFiles(s.split.test)];
  } catch (e) {
    return report('error', (e as Error).message, 'workspace');
  }
  const { settings, variants } = runSettings();
  runController = new AbortController();
  useWorkspace.setState({ running: true, progress: { status: 'initiate', task: 'Starting' } });
  try {
    const { runs } = await computeClient().request('datasetCompare', { train, test, variants, settings, split: s.split }, { signal: runController.signal, onProgress: (progress) => useWorkspace.setState({ progress }) });
    const records: ExperimentRecord[] = [];
    for (const r of runs) {
      records.push(r.record);
      await saveRecord(r.record, new Map(Object.entries(r.predictions))).catch((e) => report('error', `The browser would not store the experiment (${(e as Error).message}); it is kept for this session.`, 'experiment-storage'));
    }
    const scores: Record<string, CaseScores[]> = {};
    for (const r of records) for (const c of r.cases) (scores[c.id] ??= []).push({ run: r.name, dice: Object.fromEntries(c.scores.map((x) => [x.region, x.dice])) });
    useExperiments.setState((e) => ({ experiments: [...e.experiments, ...records], selected: records.map((r) => r.id) }));
    useWorkspace.setState({ scores, lastRun: records.map((r) => r.id) });
    persist();
    setMainView('comparison');
    report('info', `Trained on ${s.split.train.length} cases and tested on ${s.split.test.length}: ${records.map((r) => r.name).join(' vs ')}, paired by case in the comparison.`, 'workspace');
  } catch (e) {
    if (e instanceof CancelledError) report('info', 'Dataset run cancelled.');
    else report('error', `The dataset run failed: ${(e as Error).message}`);
  } finally {
    runController = null;
    useWorkspace.setState({ running: false, progress: null });
  }
}

export const cancelDatasetRun = () => runController?.abort();

/** Drops one case's cached features (every mapping and plane), e.g. to free space; the table says missing. */
export async function dropCaseFeatures(id: string): Promise<void> {
  const keys = useWorkspace.getState().featureKeys[id] ?? [];
  try {
    if (keys.length) await computeClient().request('dropFeatures', { keys });
    useWorkspace.setState((s) => ({ features: { ...s.features, [id]: {} }, featureKeys: { ...s.featureKeys, [id]: [] } }));
    persist();
  } catch (e) {
    report('error', `${id}'s features could not be dropped: ${(e as Error).message}`);
  }
}

/** Drops every cached feature of this browser, the workspace's and any other case's. */
export async function dropAllFeatures(): Promise<void> {
  try {
    await computeClient().request('clearFeatureCache', {});
    useWorkspace.setState({ features: {}, featureKeys: {} });
    persist();
  } catch (e) {
    report('error', `The feature cache could not be cleared: ${(e as Error).message}`);
  }
}

/** Forgets the workspace's table (features stay in the cache, experiments in the list). */
export function closeWorkspace(): void {
  queueController?.abort();
  useWorkspace.setState({ ...EMPTY, files: {}, skipped: [], queue: IDLE_QUEUE });
  localStorage.removeItem(STORAGE_KEY);
}
