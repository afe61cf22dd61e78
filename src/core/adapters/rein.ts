/**
 * Rein (Wei et al., CVPR 2024, "Stronger, Fewer, & Superior: Harnessing Vision Foundation Models
 * for Domain Generalized Semantic Segmentation"), as its authors' repository implements the layer
 * (rein/models/backbones/reins.py, class LoRAReins), after each adapted block i:
 *   T_i = A_i B_i                       learnable tokens [m, D], low rank (A_i [m, r], B_i [r, D])
 *   S   = softmax(f T_iᵀ / sqrt(D))     similarity of each patch feature to each token [P, m]
 *   Δf̄  = S[:, 1:] (T_i[1:] W_t + b_t)  tokens mapped to features, weighted by similarity
 *   Δf  = (Δf̄ + f) W_f + b_f
 *   f  <- f + s Δf                      patch tokens only; the class token passes unchanged
 * W_t, b_t, W_f, b_f are shared by every adapted block; the tokens are per block.
 * Where this departs from the authors' defaults, and why:
 *   - W_f and b_f start at zero with s = 1 (their `zero_mlp_delta_f` option) rather than Kaiming
 *     with a learnable s = 0.001: the adapter then starts as the frozen backbone exactly, so the
 *     first step is the probe's and a test can hold it to that;
 *   - only the last k blocks are adapted (they adapt all), so the frozen blocks below run once per
 *     slice and are cached; k = depth gives theirs;
 *   - register tokens, like the class token, pass unchanged;
 *   - the query path to a Mask2Former decoder (link_token_to_query) is left out: the studio's head
 *     is a 1x1 convolution.
 */
import * as tf from '@tensorflow/tfjs-core';
import { plainMatMul } from './fastGradients.ts';
import type { DinoV2Config } from '../models/dinov2/types.ts';
import { mulberry32 } from '../synthetic/random.ts';
import type { Adapter } from './adapter.ts';

export interface ReinSettings {
  /** Learnable tokens per block (m; the authors use 100). */
  tokens: number;
  /** Rank of each block's tokens (the authors' lora_dim, 16). */
  rank: number;
  blocks: number;
  seed: number;
  learningRate: number;
}

export const DEFAULT_REIN: ReinSettings = { tokens: 100, rank: 16, blocks: 2, seed: 0, learningRate: 1e-3 };

export interface ReinAdapter extends Adapter {
  kind: 'rein';
  settings: ReinSettings;
  /** Per adapted block, oldest first: token factors A [m, r] and B [r, D]. */
  tokenFactors: { block: number; a: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R2> }[];
  /** Shared: tokens to features (W_t [D, D], b_t) and the output map (W_f [D, D], b_f). */
  tokenToFeature: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> };
  deltaFeature: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> };
}

export function checkReinSettings(s: ReinSettings, c: DinoV2Config): void {
  if (!Number.isInteger(s.tokens) || s.tokens < 2) throw new Error(`Rein needs 2 or more tokens per block, got ${s.tokens}`);
  if (!Number.isInteger(s.rank) || s.rank < 1) throw new Error(`Rein's token rank must be a whole number, 1 or more, got ${s.rank}`);
  if (!Number.isInteger(s.blocks) || s.blocks < 1 || s.blocks > c.depth) throw new Error(`Rein adapts the last 1 to ${c.depth} blocks of this backbone, got ${s.blocks}`);
}

export function createRein(c: DinoV2Config, settings: ReinSettings = DEFAULT_REIN): ReinAdapter {
  checkReinSettings(settings, c);
  const rand = mulberry32(settings.seed);
  const uniform = (shape: [number, number] | [number], bound: number) => tf.variable(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * rand() - 1) * bound), shape));
  const D = c.dim;
  const { tokens: m, rank: r } = settings;
  // The authors' bound for the token factors: sqrt(6 / (3 p^2 + sqrt(D r))).
  const bound = Math.sqrt(6 / (3 * c.patchSize * c.patchSize + Math.sqrt(D * r)));
  const first = c.depth - settings.blocks;
  const tokenFactors = Array.from({ length: settings.blocks }, (_, i) => ({ block: first + i, a: uniform([m, r], bound) as tf.Variable<tf.Rank.R2>, b: uniform([r, D], bound) as tf.Variable<tf.Rank.R2> }));
  // torch.nn.Linear's default (Kaiming uniform, a = sqrt 5): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const tokenToFeature = { w: uniform([D, D], 1 / Math.sqrt(D)) as tf.Variable<tf.Rank.R2>, b: uniform([D], 1 / Math.sqrt(D)) as tf.Variable<tf.Rank.R1> };
  const deltaFeature = { w: tf.variable(tf.zeros([D, D])) as tf.Variable<tf.Rank.R2>, b: tf.variable(tf.zeros([D])) as tf.Variable<tf.Rank.R1> };
  return reinFromParts(settings, c, first, tokenFactors, tokenToFeature, deltaFeature);
}

export function reinFromParts(settings: ReinSettings, c: DinoV2Config, first: number, tokenFactors: ReinAdapter['tokenFactors'], tokenToFeature: ReinAdapter['tokenToFeature'], deltaFeature: ReinAdapter['deltaFeature']): ReinAdapter {
  const D = c.dim;
  const kept = 1 + c.registers;
  const byBlock = new Map(tokenFactors.map((t) => [t.block, t]));
  const all = [...tokenFactors.flatMap((t) => [t.a, t.b]), tokenToFeature.w, tokenToFeature.b, deltaFeature.w, deltaFeature.b];
  return {
    kind: 'rein',
    settings,
    first,
    tokenFactors,
    tokenToFeature,
    deltaFeature,
    refine(block, x) {
      const t = byBlock.get(block);
      if (!t) return x;
      const [B, N] = x.shape;
      const P = N - kept;
      const tokens = tf.matMul(t.a, t.b); // [m, D]
      const f = tf.reshape(tf.slice(x, [0, kept, 0], [B, P, D]), [B * P, D]);
      const similarity = tf.softmax(tf.mul(plainMatMul(f, tokens, false, true), 1 / Math.sqrt(D))); // [BP, m]
      const m = tokens.shape[0];
      const values = tf.add(tf.matMul(tf.slice(tokens, [1, 0], [m - 1, D]), tokenToFeature.w), tokenToFeature.b); // [m - 1, D]
      const mixed = tf.matMul(tf.slice(similarity, [0, 1], [B * P, m - 1]), values); // [BP, D]
      const delta = tf.add(tf.matMul(tf.add(mixed, f), deltaFeature.w), deltaFeature.b);
      const refined = tf.reshape(tf.add(f, delta), [B, P, D]);
      return tf.concat([tf.slice(x, [0, 0, 0], [B, kept, D]), refined], 1) as tf.Tensor3D;
    },
    variables: () => all,
    dispose: () => all.forEach((v) => v.dispose()),
  };
}
