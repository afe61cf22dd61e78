/**
 * What the training loop needs of an adapter, LoRA or Rein: where it starts (the blocks below
 * are frozen and their outputs cached), its trainable variables and its own learning rate.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BlockAdapter } from '../models/dinov2/model.ts';

export type AdapterKind = 'lora' | 'rein';

export interface Adapter extends BlockAdapter {
  kind: AdapterKind;
  /** Index of the first adapted block. */
  first: number;
  settings: { learningRate: number; blocks: number; seed: number };
  variables(): tf.Variable[];
  dispose(): void;
}
