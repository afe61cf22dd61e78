/**
 * Which patch tokens a feature is made of: the last block's (DINOv2's default) or the last n
 * blocks' concatenated per patch, each through the final norm, as the authors' multi-layer
 * linear evaluation reads them (get_intermediate_layers(n, norm=True)). Earlier blocks keep more
 * of the local texture that fine structures such as an enhancing rim need.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DinoV2Output } from './model.ts';

/** [1, rows, cols, dim * layers]: the last `layers` blocks' normed patch tokens, oldest first. */
export function patchTokens(out: DinoV2Output, layers: number): tf.Tensor4D {
  if (layers <= 1) return out.patches;
  if (out.intermediates.length < layers) throw new Error(`the last ${layers} blocks asked for, but the backbone returned ${out.intermediates.length} (a checkpoint with fewer blocks, or forward without intermediateLayers)`);
  return tf.concat(out.intermediates.slice(-layers).map((l) => l.patches), 3) as tf.Tensor4D;
}

/** The feature cache's name for them (part of the key, so one layer choice never reads another's). */
export const layersKey = (layers: number): string => (layers <= 1 ? 'last' : `last${layers}`);

/** The number of blocks a layersKey names. */
export const layersOfKey = (key: string): number => (key === 'last' ? 1 : Number(key.replace('last', '')));

/** The forward options that produce them. */
export const forwardOptions = (layers: number) => ({ intermediateLayers: layers > 1 ? layers : 0 });
