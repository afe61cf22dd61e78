/**
 * The studio's compact checkpoint: the authors' names, F16 (half the download of F32), and a small
 * JSON config stored both beside the file and in its metadata, so a lone .safetensors still loads.
 */
import { type TensorToWrite, writeSafetensors } from '../../weights/safetensors.ts';
import type { PosInterpolation } from './interpolate.ts';
import { readCheckpoint, inferConfig } from './weights.ts';
import type { DinoV2Config } from './types.ts';

export interface StudioModelConfig {
  format: 'dino-seg-studio/dinov2@1';
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_register_tokens: number;
  interpolation: PosInterpolation;
  random_weights: boolean;
  source_naming: DinoV2Config['naming'];
}

export function studioConfigOf(c: DinoV2Config): StudioModelConfig {
  return {
    format: 'dino-seg-studio/dinov2@1',
    hidden_size: c.dim,
    num_hidden_layers: c.depth,
    num_attention_heads: c.heads,
    num_register_tokens: c.registers,
    interpolation: c.interpolation,
    random_weights: c.randomWeights,
    source_naming: c.naming,
  };
}

export function convertCheckpoint(
  files: Uint8Array[],
  options: { configJson?: { num_attention_heads?: number }; interpolation?: PosInterpolation } = {},
): { safetensors: Uint8Array; config: StudioModelConfig } {
  const { weights, naming, metadata } = readCheckpoint(files);
  const dinoConfig = inferConfig(weights, naming, { ...options, randomWeights: metadata.random === 'true' });
  const config = studioConfigOf(dinoConfig);
  // mask_token is never used for features; leaving it out saves a little.
  const tensors: TensorToWrite[] = [...weights].filter(([n]) => n !== 'mask_token').map(([name, t]) => ({ name, shape: t.shape, values: t.values }));
  const safetensors = writeSafetensors(tensors, 'F16', {
    format: 'pt',
    naming: 'orig',
    random: String(config.random_weights),
    studio_config: JSON.stringify(config),
  });
  return { safetensors, config };
}
