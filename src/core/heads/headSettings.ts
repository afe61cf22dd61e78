/**
 * Which head, on which inputs, with which clean-up: the settings every experiment records, the
 * CLI accepts and the app shows. The seed's linear probe stays one setting away.
 */
import type { ChannelMapping } from '../features/channels.ts';
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
  /** Voxels a step for the per-voxel heads. */
  voxelBatch: number;
}

export const SEED_HEAD: HeadSettings = { head: 'linear', hidden: [], context: 0, postprocess: NO_POSTPROCESS, extraMappings: [], voxelBatch: 4096 };

export const DEFAULT_HEAD: HeadSettings = { head: 'fine', hidden: [32], context: 0, postprocess: { hierarchy: true, components: true, holes: true }, extraMappings: [], voxelBatch: 4096 };

export const usesBackbone = (h: HeadKind) => h !== 'voxels';
export const usesVoxelInputs = (h: HeadKind) => h === 'fine' || h === 'voxels';
