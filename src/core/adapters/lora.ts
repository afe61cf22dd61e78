/**
 * LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models") on the frozen
 * DINOv2: a linear layer y = x W + b of the last k blocks becomes y = x W + b + (alpha / r) x Aᵀ Bᵀ,
 * A [r, in] random, B [out, r] zero, so training starts from the frozen backbone exactly. Only A
 * and B train. The fused qkv layer holds three adapters, query, key and value, as Hugging Face's
 * Dinov2Model splits it, so the adapter maps one to one onto PEFT's files (peft.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; adapters train through the backbone's ops.
import { plainMatMul } from './fastGradients.ts';
import { mulberry32, gaussian } from '../synthetic/random.ts';
import type { BlockLinear, DinoV2, LinearDelta } from '../models/dinov2/model.ts';
import type { Adapter } from './adapter.ts';
import type { DinoV2Config } from '../models/dinov2/types.ts';

export interface LoraSettings {
  rank: number;
  alpha: number;
  /** The last `blocks` blocks are adapted; those below stay frozen (and their outputs cacheable). */
  blocks: number;
  targets: BlockLinear[];
  seed: number;
  /** Adam's rate for A and B (the head keeps the training settings' own). */
  learningRate: number;
}

export const DEFAULT_LORA: LoraSettings = { rank: 8, alpha: 16, blocks: 2, targets: ['qkv', 'proj'], seed: 0, learningRate: 1e-3 };

/** One low-rank pair on (part of) a linear layer: the term is scale * x Aᵀ Bᵀ. */
export interface LoraPair {
  block: number;
  layer: BlockLinear;
  /** query, key or value of qkv; undefined for the other layers. */
  part?: 'query' | 'key' | 'value';
  a: tf.Variable<tf.Rank.R2>; // [r, in]
  b: tf.Variable<tf.Rank.R2>; // [out, r]
}

export interface LoraAdapter extends Adapter {
  kind: 'lora';
  settings: LoraSettings;
  pairs: LoraPair[];
  scale: number;
}

/** In and out widths of a block's linear layer (per part, for qkv). */
export function layerShape(c: DinoV2Config, layer: BlockLinear): [number, number] {
  const hidden = c.ffn === 'swiglu' ? 2 * c.mlpHidden : c.mlpHidden;
  if (layer === 'qkv' || layer === 'proj') return [c.dim, c.dim];
  return layer === 'fc1' ? [c.dim, hidden] : [c.mlpHidden, c.dim];
}

export function checkLoraSettings(s: LoraSettings, c: DinoV2Config): void {
  if (!Number.isInteger(s.rank) || s.rank < 1) throw new Error(`LoRA rank must be a whole number, 1 or more, got ${s.rank}`);
  if (!(s.alpha > 0)) throw new Error(`LoRA alpha must be above 0, got ${s.alpha}`);
  if (!Number.isInteger(s.blocks) || s.blocks < 1 || s.blocks > c.depth) throw new Error(`LoRA adapts the last 1 to ${c.depth} blocks of this backbone, got ${s.blocks}`);
  if (!s.targets.length) throw new Error('LoRA needs at least one target layer (qkv, proj, fc1, fc2)');
}

/**
 * A fresh adapter: A from N(0, 1/r) as PEFT's default Kaiming-uniform gives a comparable spread,
 * seeded so a run repeats; B zero.
 */
export function createLora(c: DinoV2Config, settings: LoraSettings = DEFAULT_LORA): LoraAdapter {
  checkLoraSettings(settings, c);
  const randn = gaussian(mulberry32(settings.seed));
  const pairs: LoraPair[] = [];
  const first = c.depth - settings.blocks;
  for (let block = first; block < c.depth; block++) {
    for (const layer of settings.targets) {
      const [inW, outW] = layerShape(c, layer);
      for (const part of layer === 'qkv' ? (['query', 'key', 'value'] as const) : [undefined]) {
        const a = tf.variable(tf.tensor2d(Float32Array.from({ length: settings.rank * inW }, () => randn() / Math.sqrt(inW)), [settings.rank, inW]));
        const b = tf.variable(tf.zeros([outW, settings.rank])) as tf.Variable<tf.Rank.R2>;
        pairs.push({ block, layer, part, a: a as tf.Variable<tf.Rank.R2>, b });
      }
    }
  }
  return loraFromPairs(settings, first, pairs);
}

export function loraFromPairs(settings: LoraSettings, first: number, pairs: LoraPair[]): LoraAdapter {
  const scale = settings.alpha / settings.rank;
  const byLayer = new Map<string, LoraPair[]>();
  for (const p of pairs) byLayer.set(`${p.block}.${p.layer}`, [...(byLayer.get(`${p.block}.${p.layer}`) ?? []), p]);
  const term = (x: tf.Tensor2D, p: LoraPair) => plainMatMul(plainMatMul(x, p.a, false, true), p.b, false, true); // [M, out]
  return {
    kind: 'lora',
    settings,
    first,
    pairs,
    scale,
    linear(block, layer, x) {
      const ps = byLayer.get(`${block}.${layer}`);
      if (!ps) return null;
      const t = ps.length === 1 ? term(x, ps[0]) : tf.concat(ps.map((p) => term(x, p)), 1);
      return tf.mul(t, scale) as tf.Tensor2D;
    },
    variables: () => pairs.flatMap((p) => [p.a, p.b]),
    dispose: () => pairs.forEach((p) => (p.a.dispose(), p.b.dispose())),
  };
}

/** What a pair adds to its layer's torch weight: scale * B A, [out, in]. */
const pairDelta = (p: LoraPair, scale: number) => tf.mul(tf.matMul(p.b, p.a), scale) as tf.Tensor2D;
/** The first output row of the layer a pair covers: query, key and value are thirds of qkv. */
const partOffset = (p: LoraPair, c: DinoV2Config) => (p.part ? ['query', 'key', 'value'].indexOf(p.part) * c.dim : 0);

/**
 * The loaded backbone with the adapter folded into its weights, sharing every tensor the adapter
 * does not touch: features at the frozen model's speed, for extraction after fine-tuning.
 */
export function mergedModel(model: DinoV2, adapter: LoraAdapter): DinoV2 {
  const deltas: LinearDelta[] = tf.tidy(() => adapter.pairs.map((p) => ({ block: p.block, layer: p.layer, offset: partOffset(p, model.config), delta: tf.keep(tf.transpose(pairDelta(p, adapter.scale))) as tf.Tensor2D })));
  try {
    return model.withMergedLinear(deltas);
  } finally {
    tf.dispose(deltas.map((d) => d.delta));
  }
}

/**
 * The backbone's weights (authors' names, torch layout [out, in]) with every pair folded in:
 * W + scale * B A. A model built from them runs at the frozen model's speed.
 */
export function mergeLora(weights: Map<string, { shape: number[]; values: Float32Array }>, adapter: LoraAdapter, c: DinoV2Config): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map(weights);
  const names: Record<BlockLinear, string> = { qkv: 'attn.qkv', proj: 'attn.proj', fc1: c.ffn === 'swiglu' ? 'mlp.w12' : 'mlp.fc1', fc2: c.ffn === 'swiglu' ? 'mlp.w3' : 'mlp.fc2' };
  for (const p of adapter.pairs) {
    const name = `blocks.${p.block}.${names[p.layer]}.weight`;
    const w = out.get(name)!;
    const values = Float32Array.from(w.values);
    const inW = w.shape[1];
    const delta = tf.tidy(() => pairDelta(p, adapter.scale).dataSync() as Float32Array);
    const rowOffset = partOffset(p, c);
    for (let i = 0; i < delta.length; i++) values[rowOffset * inW + i] += delta[i];
    out.set(name, { shape: w.shape, values });
  }
  return out;
}
