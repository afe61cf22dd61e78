import { readCheckpoint, inferConfig } from './weights.ts';
import { createDinoV2, type DinoV2 } from './model.ts';
import type { PosInterpolation } from './interpolate.ts';

export interface LoadOptions {
  /** Hugging Face config.json, when the checkpoint came with one (for the head count). */
  configJson?: { num_attention_heads?: number };
  /** Overrides the interpolation rule the checkpoint's origin implies. */
  interpolation?: PosInterpolation;
}

/**
 * A DINOv2 from one or more safetensors files in either layout. Checkpoints the studio generates
 * carry `random: "true"` in their metadata, so every result can say its weights are random.
 */
export function loadDinoV2(files: Uint8Array[], options: LoadOptions = {}): DinoV2 {
  const { weights, naming, metadata } = readCheckpoint(files);
  const config = inferConfig(weights, naming, { ...options, randomWeights: metadata.random === 'true' });
  return createDinoV2(weights, config);
}
