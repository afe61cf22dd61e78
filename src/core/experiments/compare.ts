/**
 * One comparison, several mappings: the same cases, split, seed and settings for each, so the
 * mapping is the only thing that differs. With test cases, each mapping trains on the training
 * cases and is scored on the test cases; without, each case is split into a training block and
 * a held-out block of slices (heldOut.ts). Features are extracted once per mapping and case and
 * cached, so rerunning a comparison with other head settings costs only the training.
 */
import { type CaseInput, hasLabels, openCase, modalitiesOf } from '../case/case.ts';
import { type Modality, ROLE_LABELS, shortRoleLabel } from '../case/roles.ts';
import type { CaseSplit } from '../dataset/split.ts';
import { type ChannelMapping, mappingKey } from '../features/channels.ts';
import type { FeatureStore } from '../features/store.ts';
import { DEFAULT_LOSS } from '../heads/loss.ts';
import { fromF16Array } from '../weights/f16.ts';
import { type Backbone, type ExperimentSettings, headOf, prepareCase, runExperiment, sharedModalities } from './experiment.ts';
import { fineCase, heldOutFineRun, voxelSource } from './fineExperiment.ts';
import { mappingModalities, type RunInputs, runInputs } from './inputs.ts';
import { DEFAULT_HEAD, HEAD_NAMES, type HeadSettings, SEED_HEAD, usesBackbone, usesVoxelInputs } from '../heads/headSettings.ts';
import { heldOutRun, type HeldOutSettings } from './heldOut.ts';
import { type CaseOutcome, EXPERIMENT_FORMAT, type ExperimentRecord, type ModelDescription, scoreRecords } from './record.ts';
import type { Plane } from '../features/slices.ts';
import { type AdapterSettings, DEFAULT_ADAPTERS } from '../adapters/create.ts';
import { heldOutAdapterRun, runAdapterExperiment } from '../adapters/experiment.ts';
import type { DinoV2 } from '../models/dinov2/model.ts';

export interface ComparisonSettings extends HeldOutSettings, Partial<HeadSettings> {
  plane: Plane;
  size: number;
  /**
   * Voxel inputs from these modalities in every arm, held fixed across the arms: only when the
   * user asks for it (the records then say so). Absent: each arm's voxel inputs read its own modalities.
   */
  voxelModalities?: Modality[];
}

/** One arm of a comparison: a mapping and head settings; everything else is shared. */
export interface Variant {
  name: string;
  mapping: ChannelMapping;
  head: HeadSettings;
  /** The modalities the arm may read; absent: those its mappings name (armModalities). */
  modalities?: Modality[];
  /** A LoRA or Rein adapter trained through the backbone's last blocks with the (linear) head. */
  adapter?: AdapterSettings;
}

export const PRESET_COMPARISON: { name: string; mapping: ChannelMapping }[] = [
  { name: 'FLAIR / T1gd / T2', mapping: ['flair', 't1ce', 't2'] },
  { name: 'FLAIR only', mapping: ['flair', 'flair', 'flair'] },
];

/** A readable name for a mapping: "FLAIR only", or its channels joined. */
export function mappingName(m: ChannelMapping): string {
  const preset = PRESET_COMPARISON.find((p) => mappingKey(p.mapping) === mappingKey(m));
  if (preset) return preset.name;
  return m.map((c) => (c ? shortRoleLabel(c) : 'empty')).join(' / ');
}

/** Every (case, mapping) pair whose modality is missing, all named at once: none is skipped silently. */
export function mappingProblems(cases: { id: string; volumes: Partial<Record<Modality, unknown>> }[], mappings: ChannelMapping[]): string[] {
  const problems: string[] = [];
  for (const c of cases) {
    for (const m of mappings) {
      const missing = [...new Set(m.filter((x) => x && !c.volumes[x]))] as Modality[];
      if (missing.length) problems.push(`case ${c.id} has no ${missing.map((x) => ROLE_LABELS[x]).join(' or ')}, which the mapping ${mappingName(m)} needs`);
    }
  }
  return problems;
}

export function checkCasesForMappings(cases: CaseInput[], mappings: ChannelMapping[], atLeast = 2): void {
  const problems = mappingProblems(cases.map((c) => ({ id: c.id, volumes: Object.fromEntries(modalitiesOf(c).map((m) => [m, true])) })), mappings);
  if (problems.length) throw new Error(`cannot compare: ${problems.join('; ')}`);
  if (mappings.length < atLeast) throw new Error('a comparison needs two or more mappings');
  const keys = mappings.map(mappingKey);
  if (atLeast > 1 && new Set(keys).size !== keys.length) throw new Error('the same mapping is listed twice');
}

/** What an arm may read: what it names, else the modalities of its mapping and extra mappings, so "FLAIR only" reads FLAIR only. */
export const armModalities = (v: Variant): Modality[] => v.modalities ?? mappingModalities([v.mapping, ...v.head.extraMappings]);

function record(v: Variant, model: ModelDescription, s: ComparisonSettings, cases: CaseOutcome[], inputs: RunInputs, split?: CaseSplit): ExperimentRecord {
  const { plane, size, loss, voxelModalities: _fixed, ...rest } = s;
  const settings = { ...rest, ...v.head, ...(v.adapter ? { adapter: v.adapter } : {}) };
  const mapping = v.mapping;
  return {
    format: EXPERIMENT_FORMAT,
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    name: v.name,
    createdAt: new Date().toISOString(),
    mapping: mappingKey(mapping),
    model,
    input: { plane, size },
    settings: { ...settings, loss: loss ?? DEFAULT_LOSS },
    inputs,
    cases,
    ...(split ? { split } : {}),
  };
}

export interface ComparisonRun {
  record: ExperimentRecord;
  /** Per case: the predicted label volume on the canonical grid. */
  predictions: Map<string, Uint8Array>;
}

/**
 * The seed's linear probe (exactly as the seed ran it: no post-processing) against the voxel
 * heads on one mapping: the fine head, the voxel inputs alone and the backbone alone, so what
 * the backbone adds and what the voxel inputs add both show.
 */
export function seedAblation(mapping: ChannelMapping, head: HeadSettings): Variant[] {
  const voxelHead = { ...head, hidden: head.hidden.length ? head.hidden : DEFAULT_HEAD.hidden };
  return [
    { name: HEAD_NAMES.linear, mapping, head: SEED_HEAD },
    ...(['fine', 'voxels', 'mlp'] as const).map((kind) => ({ name: HEAD_NAMES[kind], mapping, head: { ...voxelHead, head: kind } })),
  ];
}

/**
 * The frozen linear probe against the same probe with a LoRA and with a Rein adapter, each at its
 * defaults with the comparison's seed: one mapping, one split, one head.
 */
export function adapterComparison(mapping: ChannelMapping, seed: number, adapters: AdapterSettings[] = [DEFAULT_ADAPTERS.lora, DEFAULT_ADAPTERS.rein]): Variant[] {
  const head = { ...SEED_HEAD, postprocess: DEFAULT_HEAD.postprocess };
  return [{ name: 'Frozen probe', mapping, head }, ...adapters.map((a) => ({ name: a.kind === 'lora' ? 'LoRA' : 'Rein', mapping, head, adapter: { ...a, seed } }))];
}

/** Mappings compared with one head: a comparison of variants that differ only in their mapping. */
export async function compareMappings(o: Omit<Parameters<typeof compareVariants>[0], 'variants'> & { mappings: ChannelMapping[] }): Promise<ComparisonRun[]> {
  checkCasesForMappings([...o.train, ...o.test], o.mappings);
  const head = headOf(o.settings);
  if (!usesBackbone(head.head)) throw new Error(`a comparison of mappings needs a head that reads the backbone's features; ${HEAD_NAMES[head.head]} does not`);
  return compareVariants({ ...o, variants: o.mappings.map((mapping) => ({ name: mappingName(mapping), mapping, head })) });
}

export async function compareVariants(o: {
  train: CaseInput[];
  test: CaseInput[];
  variants: Variant[];
  settings: ComparisonSettings;
  backbone: Backbone;
  model: ModelDescription;
  store: FeatureStore;
  onProgress?: (text: string) => void;
  signal?: AbortSignal;
  /** The dataset split the train and test cases came from, kept in every record. */
  split?: CaseSplit;
  /** The backbone itself, which adapter variants train through. */
  dinov2?: DinoV2;
}): Promise<ComparisonRun[]> {
  const s = o.settings;
  if (o.variants.length < 2) throw new Error('a comparison needs two or more variants');
  checkCasesForMappings([...o.train, ...o.test], [...new Map(o.variants.flatMap((v) => [v.mapping, ...v.head.extraMappings]).map((m) => [mappingKey(m), m])).values()], 1);
  for (const c of [...o.train, ...o.test]) if (!hasLabels(c)) throw new Error(`case ${c.id} has no label map: a comparison needs one to score against`);
  const runs: ComparisonRun[] = [];
  for (const [i, variant] of o.variants.entries()) {
    const { mapping, head } = variant;
    const say = (text: string) => o.onProgress?.(`${variant.name} (${i + 1}/${o.variants.length}): ${text}`);
    const arm = { mapping, extraMappings: head.extraMappings, modalities: armModalities(variant), voxelModalities: s.voxelModalities };
    const reads = { backbone: usesBackbone(head.head), voxels: usesVoxelInputs(head.head) };
    let inputs = runInputs(arm, sharedModalities([...o.train, ...o.test]), reads);
    const outcomes: CaseOutcome[] = [];
    const predictions = new Map<string, Uint8Array>();
    if (variant.adapter && (head.head !== 'linear' || !o.dinov2)) throw new Error(head.head !== 'linear' ? `${variant.name}: an adapter trains with the linear probe's head` : `${variant.name}: adapters need the backbone itself, not only its features`);
    let plan = { steps: 0, secondsPerStep: 0 };
    const adapting = variant.adapter && {
      model: o.dinov2!,
      modelHash: o.backbone.modelHash,
      store: o.store,
      adapter: variant.adapter,
      signal: o.signal,
      onProgress: say,
      onPlan: (p: { steps: number; secondsPerStep: number }) => {
        plan = p;
        say(`the ${variant.name} adapter: ${p.steps} training steps at ${p.secondsPerStep.toFixed(2)} s a step, about ${Math.max(1, Math.round((p.steps * p.secondsPerStep) / 60))} min`);
      },
      onStep: (step: { step: number; loss: number }) => {
        o.signal?.throwIfAborted();
        const left = Math.round(((plan.steps - step.step) * plan.secondsPerStep) / 60);
        say(`training the ${variant.name} adapter: step ${step.step}/${plan.steps}, loss ${step.loss.toFixed(3)}, about ${left} min left`);
      },
    };
    if (adapting && o.test.length === 0) {
      for (const ref of o.train) {
        const c = await openCase(ref);
        const r = await heldOutAdapterRun(c, { ...s, ...head, mapping }, adapting);
        r.adapter.dispose();
        outcomes.push({ id: c.id, evaluation: { kind: 'held-out slices', trainSlices: r.trainSlices, heldOut: r.heldOut }, scores: scoreRecords(r.scores), perSlice: r.perSlice });
        predictions.set(c.id, r.prediction);
      }
    } else if (adapting) {
      const r = await runAdapterExperiment(o.train, o.test, { ...s, ...head, mapping }, adapting);
      r.adapter.dispose();
      for (const c of r.cases) {
        outcomes.push({ id: c.id, evaluation: { kind: 'test case', trainCases: o.train.map((t) => t.id) }, scores: scoreRecords(c.scores), perSlice: c.perSlice!, volumes: c.volumes });
        predictions.set(c.id, c.prediction);
      }
    } else if (o.test.length === 0) {
      for (const ref of o.train) {
        o.signal?.throwIfAborted();
        const c = await openCase(ref);
        if (head.head !== 'linear') {
          const fc = await fineCase(c, { ...s, mapping }, head, o.backbone, o.store, voxelSource(inputs), say);
          const r = await heldOutFineRun({ c, fc, settings: s, head, onStep: (step) => {
            o.signal?.throwIfAborted();
            if (step.step % 20 === 0) say(`training ${c.id}: step ${step.step}, loss ${step.loss.toFixed(3)}`);
          } });
          outcomes.push({ id: c.id, evaluation: { kind: 'held-out slices', trainSlices: r.trainSlices, heldOut: r.heldOut }, scores: scoreRecords(r.scores), perSlice: r.perSlice });
          predictions.set(c.id, r.prediction);
          if (reads.voxels) inputs = { ...inputs, voxelColumns: r.fc.voxels.names };
          continue;
        }
        const p = await prepareCase(c, { mapping, plane: s.plane, size: s.size }, o.backbone, o.store, say);
        const features = async (k: number) => fromF16Array((await o.store.get(p.key, k))!);
        const r = await heldOutRun({ id: c.id, labels: c.labels!, geometry: p.g, spacing: c.spacing, slices: p.slices, dim: o.backbone.dim, features }, { ...s, postprocess: head.postprocess }, (step) => {
          o.signal?.throwIfAborted();
          if (step.step % 10 === 0) say(`training ${c.id}: step ${step.step}, loss ${step.loss.toFixed(3)}`);
        });
        outcomes.push({ id: c.id, evaluation: { kind: 'held-out slices', trainSlices: r.trainSlices, heldOut: r.heldOut }, scores: scoreRecords(r.scores), perSlice: r.perSlice });
        predictions.set(c.id, r.prediction);
      }
    } else {
      const settings: ExperimentSettings = { ...s, ...head, mapping, modalities: arm.modalities };
      const run = await runExperiment({ train: o.train, test: o.test, settings, backbone: o.backbone, store: o.store, onProgress: say, signal: o.signal });
      const cases = run.cases;
      if (reads.voxels) inputs = run.inputs;
      for (const r of cases) {
        outcomes.push({ id: r.id, evaluation: { kind: 'test case', trainCases: o.train.map((c) => c.id) }, scores: scoreRecords(r.scores), perSlice: r.perSlice!, volumes: r.volumes });
        predictions.set(r.id, r.prediction);
      }
    }
    runs.push({ record: record(variant, o.model, s, outcomes, inputs, o.split), predictions });
  }
  return runs;
}
