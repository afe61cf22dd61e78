/**
 * The backbone with a trained adapter applied, for extraction: LoRA merged into the weights, so
 * features come at the frozen model's speed; Rein through its refinement of every adapted block.
 * Its features are cached under a key that names the adapter (kind and a hash of its weights), so
 * they never mix with the frozen backbone's or another adapter's.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../experiments/experiment.ts';
import { contentHash } from '../hash.ts';
import type { BlockAdapter, DinoV2 } from '../models/dinov2/model.ts';
import type { Adapter } from './adapter.ts';
import { type LoraAdapter, mergedModel } from './lora.ts';

/** The adapter as feature keys name it: `lora-` or `rein-` and 12 hex digits of its weights' hash. */
export async function adapterId(adapter: Adapter): Promise<string> {
  const values = adapter.variables().map((v) => v.dataSync() as Float32Array);
  return `${adapter.kind}-${(await contentHash([adapter.kind, ...values])).slice(0, 12)}`;
}

export interface AdaptedModel {
  model: DinoV2;
  /** What forward needs beside the model (Rein's refinement; nothing for a merged LoRA). */
  adapter?: BlockAdapter;
  merged: boolean;
  /** Frees the merged weights (never the frozen model's or the adapter's). */
  dispose(): void;
}

export function adaptModel(model: DinoV2, adapter: Adapter): AdaptedModel {
  if (adapter.kind === 'lora') {
    const merged = mergedModel(model, adapter as LoraAdapter);
    return { model: merged, merged: true, dispose: () => merged.dispose() };
  }
  return { model, adapter, merged: false, dispose: () => {} };
}

/** The adapted model as the core's experiments take a backbone: final patch tokens, one layer. */
export function adaptedBackbone(adapted: AdaptedModel, modelHash: string, id: string): Backbone {
  return {
    dim: adapted.model.config.dim,
    modelHash,
    adapter: id,
    embed: async (input, size, layers = 1) => {
      if (layers !== 1) throw new Error('an adapted backbone gives its last block\'s features only');
      return tf.tidy(() => adapted.model.forward(tf.tensor4d(input, [1, 3, size, size]), { adapter: adapted.adapter }).patches.dataSync() as Float32Array);
    },
  };
}
