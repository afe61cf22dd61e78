import type { PosInterpolation } from './interpolate.ts';

export type Naming = 'orig' | 'hf';

/** The architecture, read from the tensors (and config.json for the head count). */
export interface DinoV2Config {
  dim: number;
  depth: number;
  heads: number;
  registers: number;
  patchSize: number;
  /** Side of the square position-embedding grid (37 for the 518 px hub models). */
  posGrid: number;
  mlpHidden: number;
  ffn: 'mlp' | 'swiglu';
  naming: Naming;
  interpolation: PosInterpolation;
  /** True when the checkpoint says its weights are random (test checkpoints). */
  randomWeights: boolean;
}

/** Weights under the authors' state_dict names, as float32. */
export type DinoV2Weights = Map<string, { shape: number[]; values: Float32Array }>;
