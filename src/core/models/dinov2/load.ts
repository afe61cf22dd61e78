import { contentHash } from '../../hash.ts';
import { WeightsError } from '../../weights/safetensors.ts';
import { readCheckpoint, inferConfig } from './weights.ts';
import type { DinoV2Config, DinoV2Weights } from './types.ts';
import { createDinoV2, type DinoV2 } from './model.ts';
import type { PosInterpolation } from './interpolate.ts';
import type { StudioModelConfig } from './convert.ts';

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
/**
 * What a feature key names the backbone by: the checkpoint's bytes and the position-embedding
 * interpolation (it changes every feature at sizes other than the checkpoint's own), the same in
 * the app's worker and the CLI, so features made by one are found by the other.
 */
export function backboneHash(files: Uint8Array[], interpolation: PosInterpolation): Promise<string> {
  return contentHash([...files, interpolation]);
}

export function loadDinoV2(files: Uint8Array[], options: LoadOptions = {}): DinoV2 {
  const { weights, config } = readDinoV2(files, options);
  return createDinoV2(weights, config);
}

/** The checkpoint's weights and architecture, checked, before any tensor is made: every refusal is a WeightsError. */
export function readDinoV2(files: Uint8Array[], options: LoadOptions = {}): { weights: DinoV2Weights; config: DinoV2Config } {
  const { weights, naming, metadata } = readCheckpoint(files);
  // A converted checkpoint carries its config (see convert.ts); explicit options still win.
  const stored = metadata.studio_config ? storedConfig(metadata.studio_config) : undefined;
  const config = inferConfig(weights, naming, {
    configJson: options.configJson ?? stored,
    interpolation: options.interpolation ?? stored?.interpolation,
    randomWeights: metadata.random === 'true',
  });
  return { weights, config };
}

function storedConfig(text: string): Partial<StudioModelConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WeightsError('the checkpoint\'s studio_config metadata is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new WeightsError('the checkpoint\'s studio_config metadata is not an object');
  return parsed as Partial<StudioModelConfig>;
}
