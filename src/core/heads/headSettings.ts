/**
 * Which head, on which inputs, with which clean-up: the settings every experiment records, the
 * CLI accepts and the app shows. The seed's linear probe stays one setting away.
 */
import type { ChannelMapping } from '../features/channels.ts';
import type { Plane } from '../features/slices.ts';
import { NO_POSTPROCESS, type PostprocessSettings } from '../postprocess/postprocess.ts';

export type HeadKind = 'linear' | 'mlp' | 'fine' | 'voxels';
export const HEAD_KINDS: HeadKind[] = ['linear', 'mlp', 'fine', 'voxels'];

export const HEAD_NAMES: Record<HeadKind, string> = {
  linear: "Linear probe (the seed's baseline)",
  mlp: 'MLP on backbone features',
  fine: 'Fine head: voxel inputs + backbone',
  voxels: 'Voxel inputs alone (no backbone)',
};

export interface HeadSettings {
  head: HeadKind;
  /** Hidden layer widths of the per-voxel heads (mlp, fine, voxels). */
  hidden: number[];
  /** 2.5D: patch features of slices k - context .. k + context. */
  context: number;
  postprocess: PostprocessSettings;
  /** More mappings whose features are concatenated per patch (e.g. T1 x 3 beside FLAIR/T1gd/T2). */
  extraMappings: ChannelMapping[];
  /** Principal components of each mapping's patch features a voxel head reads (0: every dim). */
  components: number;
  /** Voxels a step for the per-voxel heads. */
  voxelBatch: number;
  /**
   * Voxels a per-voxel head draws per label stratum for the whole run, shared evenly by the
   * training cases (at most PER_CASE_SAMPLES from one case), so a run on many cases trains in
   * about the time of a few: more cases give more varied voxels, not more of them.
   */
  samples: number;
  /**
   * Planes whose patch features a voxel head reads, each voxel reading its own slice of each
   * (tri-planar: axial, coronal and sagittal fused per voxel in 3D). Empty: the experiment's plane.
   */
  planes: Plane[];
  /** Backbone blocks whose normed patch tokens are concatenated: 1 (the last), 4 (DINOv2's multi-layer evaluation). */
  layers: number;
  /** Voxel heads: per-row intensity jitter of each modality's inputs while training (0: none). */
  jitter: number;
}

/**
 * Voxels per label stratum: at most PER_CASE_SAMPLES from one case, RUN_SAMPLES for a whole run.
 * A run on many cases draws what a one-case run draws, spread over them. On a leave-one-out over
 * the four BraTS 2018 cases (scripts/cross-case.ts --splits L), 10,000 a case scored as well as
 * 30,000 (WT/TC/ET .891/.787/.573 against .891/.757/.539); 2,000 a case lost TC (.644).
 */
export const PER_CASE_SAMPLES = 30000;
export const RUN_SAMPLES = 30000;

/** Voxels per label stratum each of n training cases gives, under a run-wide budget. */
export const samplesPerCase = (h: Pick<HeadSettings, 'samples'>, cases: number): number => Math.max(1, Math.min(PER_CASE_SAMPLES, Math.floor(h.samples / Math.max(cases, 1))));

export const SEED_HEAD: HeadSettings = { head: 'linear', hidden: [], context: 0, postprocess: NO_POSTPROCESS, extraMappings: [], components: 0, voxelBatch: 4096, samples: RUN_SAMPLES, planes: [], layers: 1, jitter: 0 };

export const DEFAULT_HEAD: HeadSettings = { head: 'voxels', hidden: [64, 32], context: 0, postprocess: { hierarchy: true, components: true, holes: true }, extraMappings: [], components: 16, voxelBatch: 4096, samples: RUN_SAMPLES, planes: [], layers: 1, jitter: 0.5 };

/** Full settings from a partial record (a saved head, a CLI run, a message): its given fields over `base`. */
export function headSettingsOver(base: HeadSettings, partial: Partial<HeadSettings> | object = {}): HeadSettings {
  return { ...base, ...Object.fromEntries(Object.entries(partial).filter(([k, v]) => k in base && v !== undefined)) };
}

/** The planes a head reads, the experiment's own first (it orders prediction and the held-out split). */
export function headPlanes(h: Pick<HeadSettings, 'planes'>, plane: Plane): Plane[] {
  return [plane, ...h.planes.filter((p) => p !== plane)];
}

export const usesBackbone = (h: HeadKind) => h !== 'voxels';
export const usesVoxelInputs = (h: HeadKind) => h === 'fine' || h === 'voxels';

/** One line a report or the app shows for a head: what it reads and how its output is cleaned. */
export function describeHead(h: HeadSettings): string {
  const post = Object.entries(h.postprocess).filter(([, on]) => on).map(([k]) => k);
  const parts = [HEAD_NAMES[h.head]];
  if (h.head !== 'linear') parts.push(h.hidden.length ? `hidden ${h.hidden.join(' x ')} (ReLU)` : 'no hidden layer');
  if (usesBackbone(h.head) && h.head !== 'linear') {
    if (h.layers > 1) parts.push(`patch tokens of the last ${h.layers} blocks`);
    if (h.planes.length > 1) parts.push(`patch features of the ${h.planes.join(', ')} planes read at each voxel`);
    if (h.context) parts.push(`2.5D: ±${h.context} slices of patch features`);
    if (h.components) parts.push(`patch features reduced to ${h.components} principal components`);
    if (h.extraMappings.length) parts.push(`plus the features of ${h.extraMappings.map((m) => m.map((c) => c ?? 'none').join('/')).join(', ')}`);
  }
  if (usesVoxelInputs(h.head) && h.jitter) parts.push(`intensity jitter ±${h.jitter}`);
  parts.push(post.length ? `post-processing: ${post.join(', ')}` : 'no post-processing');
  if (h.head !== 'linear') parts.push(`${h.samples} training voxels per label stratum, shared by the training cases (at most ${PER_CASE_SAMPLES} a case)`);
  return parts.join('; ');
}

/** The head settings (and mapping) whose values differ between runs, with each run's value. */
export function differingSettings(runs: { name: string; mapping: string; head: HeadSettings }[]): string[] {
  const fields: [string, (r: (typeof runs)[number]) => string][] = [
    ['mapping', (r) => r.mapping],
    ['head', (r) => r.head.head],
    ['hidden', (r) => (r.head.head === 'linear' ? '-' : r.head.hidden.join('x') || 'none')],
    ['context', (r) => String(r.head.context)],
    ['layers', (r) => String(r.head.layers)],
    ['jitter', (r) => (usesVoxelInputs(r.head.head) ? String(r.head.jitter) : '-')],
    ['planes', (r) => (r.head.planes.length ? r.head.planes.join('+') : 'one')],
    ['components', (r) => String(r.head.components)],
    ['samples', (r) => (r.head.head === 'linear' ? '-' : String(r.head.samples))],
    ['extra mappings', (r) => r.head.extraMappings.map((m) => m.join(',')).join(' + ') || 'none'],
    ...(['hierarchy', 'components', 'holes'] as const).map((k): [string, (r: (typeof runs)[number]) => string] => [`post-processing ${k}`, (r) => (r.head.postprocess[k] ? 'on' : 'off')]),
  ];
  return fields.filter(([, f]) => new Set(runs.map(f)).size > 1).map(([name, f]) => `${name}: ${runs.map((r) => `${r.name} = ${f(r)}`).join(', ')}`);
}
