/**
 * DINOv2 (facebookresearch/dinov2, DinoVisionTransformer) in TensorFlow.js, read top-down.
 * Shapes in comments: B batch, N tokens (1 + R + P), P = rows * cols patches, D dim.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ATTENTION, GELU, LAYER_NORM, PATCHIFY, SCALED_ADD, simdKernelsOn } from '../../kernels/simdKernels.ts';
import { LAYER_NORM_EPS } from './constants.ts';
import { interpolatePosEmbed } from './interpolate.ts';
import type { DinoV2Config, DinoV2Weights } from './types.ts';

export interface DinoV2Output {
  /** [B, D] final-normed class token. */
  cls: tf.Tensor2D;
  /** [B, R, D] final-normed register tokens (R may be 0). */
  registers: tf.Tensor3D;
  /** [B, rows, cols, D] final-normed patch tokens. */
  patches: tf.Tensor4D;
  /** [B, N, D] output of the last block, before the final norm. */
  prenorm: tf.Tensor3D;
  /** The last n blocks' outputs through the final norm, oldest first (get_intermediate_layers). */
  intermediates: { cls: tf.Tensor2D; patches: tf.Tensor4D }[];
}

/** A block's linear layers, by the authors' module names. */
export type BlockLinear = 'qkv' | 'proj' | 'fc1' | 'fc2';

/**
 * Trainable additions to frozen blocks (adapters/): a term added to a linear layer's output, and a
 * refinement of a block's output tokens. Both are read inside the caller's gradient tape.
 */
export interface BlockAdapter {
  /** x [M, in] -> a term [M, out] added to block `block`'s layer output, or null to leave it. */
  linear?(block: number, layer: BlockLinear, x: tf.Tensor2D): tf.Tensor2D | null;
  /** A block's output tokens [B, N, D] -> refined tokens [B, N, D]. */
  refine?(block: number, x: tf.Tensor3D): tf.Tensor3D;
}

export interface DinoV2 {
  config: DinoV2Config;
  /** Number of weights the forward pass uses. */
  parameters: number;
  /** pixels: [B, 3, H, W] normalised, H and W multiples of the patch size. */
  forward(pixels: tf.Tensor4D, options?: { intermediateLayers?: number; adapter?: BlockAdapter }): DinoV2Output;
  /** The tokens block 0 reads: [B, N, D] (class, registers, patches with position embeddings). */
  tokens(pixels: tf.Tensor4D): tf.Tensor3D;
  /** Blocks from .. to - 1 over tokens [B, N, D] (no tidy: callers under a gradient tape keep what they need). */
  blocks(x: tf.Tensor3D, from: number, to: number, adapter?: BlockAdapter): tf.Tensor3D;
  /** The final norm of tokens [B, N, D], split into class, registers and the [B, rows, cols, D] patch grid. */
  normed(x: tf.Tensor3D, rows: number, cols: number): { cls: tf.Tensor2D; registers: tf.Tensor3D; patches: tf.Tensor4D };
  /**
   * This model with deltas added to block linear weights (a merged LoRA): it shares every other
   * tensor with this one, runs at the frozen model's speed, and its dispose frees only its own.
   */
  withMergedLinear(deltas: LinearDelta[]): DinoV2;
  dispose(): void;
}

/** A change to a block linear layer's weight, as a matMul right operand [in, out], over output columns from `offset` (qkv's query, key or value). */
export interface LinearDelta {
  block: number;
  layer: BlockLinear;
  delta: tf.Tensor2D;
  /** First output column the delta covers (0 for a whole layer). */
  offset: number;
}

interface Block {
  norm1: [tf.Tensor1D, tf.Tensor1D];
  qkvW: tf.Tensor2D; // [D, 3D]
  qkvB: tf.Tensor1D;
  projW: tf.Tensor2D; // [D, D]
  projB: tf.Tensor1D;
  ls1: tf.Tensor1D;
  norm2: [tf.Tensor1D, tf.Tensor1D];
  fc1W: tf.Tensor2D; // [D, hidden] (or [D, 2 * hidden] for SwiGLU)
  fc1B: tf.Tensor1D;
  fc2W: tf.Tensor2D; // [hidden, D]
  fc2B: tf.Tensor1D;
  ls2: tf.Tensor1D;
}

/** CPU backends (wasm, cpu) are fastest with 2-D products; GPU backends with one batched product. */
function perHeadMatMul(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

export function createDinoV2(weights: DinoV2Weights, config: DinoV2Config): DinoV2 {
  const { dim: D, heads, patchSize: p, registers: R } = config;
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (owned.push(t), t);
  const vec = (name: string) => keep(tf.tensor1d(weights.get(name)!.values));
  /** A torch Linear weight [out, in] as a matMul right operand [in, out]. */
  const linear = (name: string) => {
    const w = weights.get(name)!;
    return keep(tf.tidy(() => tf.transpose(tf.tensor2d(w.values, w.shape as [number, number])) as tf.Tensor2D));
  };

  const patchW = keep(tf.tidy(() => tf.transpose(tf.tensor2d(weights.get('patch_embed.proj.weight')!.values, [D, 3 * p * p])) as tf.Tensor2D));
  const patchB = vec('patch_embed.proj.bias');
  const clsToken = keep(tf.tensor3d(weights.get('cls_token')!.values, [1, 1, D]));
  const regTokens = R > 0 ? keep(tf.tensor3d(weights.get('register_tokens')!.values, [1, R, D])) : null;
  const norm: [tf.Tensor1D, tf.Tensor1D] = [vec('norm.weight'), vec('norm.bias')];
  const swiglu = config.ffn === 'swiglu';
  const blocks: Block[] = Array.from({ length: config.depth }, (_, i) => {
    const b = `blocks.${i}`;
    return {
      norm1: [vec(`${b}.norm1.weight`), vec(`${b}.norm1.bias`)],
      qkvW: linear(`${b}.attn.qkv.weight`),
      qkvB: vec(`${b}.attn.qkv.bias`),
      projW: linear(`${b}.attn.proj.weight`),
      projB: vec(`${b}.attn.proj.bias`),
      ls1: vec(`${b}.ls1.gamma`),
      norm2: [vec(`${b}.norm2.weight`), vec(`${b}.norm2.bias`)],
      fc1W: linear(`${b}.mlp.${swiglu ? 'w12' : 'fc1'}.weight`),
      fc1B: vec(`${b}.mlp.${swiglu ? 'w12' : 'fc1'}.bias`),
      fc2W: linear(`${b}.mlp.${swiglu ? 'w3' : 'fc2'}.weight`),
      fc2B: vec(`${b}.mlp.${swiglu ? 'w3' : 'fc2'}.bias`),
      ls2: vec(`${b}.ls2.gamma`),
    };
  });

  // Interpolated position embeddings, [1, 1 + P, D], once per input size.
  const posCache = new Map<string, tf.Tensor3D>();
  const posEmbed = (rows: number, cols: number, square: boolean) => {
    const key = `${rows}x${cols}x${square}`;
    let t = posCache.get(key);
    if (!t) {
      const values = interpolatePosEmbed(weights.get('pos_embed')!.values, D, rows, cols, config.interpolation, square);
      t = keep(tf.keep(tf.tensor3d(values, [1, 1 + rows * cols, D]))); // outlives the forward pass's tidy
      posCache.set(key, t);
    }
    return t;
  };

  const layerNorm = (x: tf.Tensor, [w, b]: [tf.Tensor1D, tf.Tensor1D]) => {
    if (simdKernelsOn()) return tf.engine().runKernel(LAYER_NORM, { x, weight: w, bias: b }, { eps: LAYER_NORM_EPS }) as tf.Tensor;
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))), w), b);
  };
  /** x + y * gamma: a block's residual branch with its layer scale. */
  const residual = (x: tf.Tensor3D, y: tf.Tensor, gamma: tf.Tensor1D) =>
    (simdKernelsOn() ? tf.engine().runKernel(SCALED_ADD, { x, y, gamma }) : tf.add(x, tf.mul(y, gamma))) as tf.Tensor3D;
  const gelu = (x: tf.Tensor) => simdKernelsOn() ? (tf.engine().runKernel(GELU, { x }) as tf.Tensor) : tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  // One fused kernel for x W + b: no separate Add pass over the activations.
  const dense = (x2d: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D) => tf.fused.matMul({ a: x2d as tf.Tensor2D, b: w, bias: b });
  // A block's linear layer, with the adapter's term when it has one for it.
  let adapter: BlockAdapter | undefined;
  const blockDense = (i: number, layer: BlockLinear, x2d: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D) => {
    // Under an adapter (training) the unfused product: fused matMul's own gradient takes
    // transposed products, which tfjs-wasm runs slowly (adapters/fastGradients.ts).
    const y = adapter ? tf.add(tf.matMul(x2d as tf.Tensor2D, w), b) : dense(x2d, w, b);
    const extra = adapter?.linear?.(i, layer, x2d as tf.Tensor2D);
    return extra ? tf.add(y, extra) : y;
  };

  const attention = (x: tf.Tensor3D, blk: Block, i: number, B: number, N: number) => {
    const hd = D / heads;
    const qkv = blockDense(i, 'qkv', tf.reshape(x, [B * N, D]), blk.qkvW, blk.qkvB);
    if (simdKernelsOn() && hd % 4 === 0) {
      // One kernel from qkv's rows to proj's input rows (kernels/simd.c): no split, no transposes.
      const merged = tf.engine().runKernel(ATTENTION, { qkv }, { batch: B, heads }) as tf.Tensor2D;
      return tf.reshape(blockDense(i, 'proj', merged, blk.projW, blk.projB), [B, N, D]);
    }
    const split = tf.transpose(tf.reshape(qkv, [B, N, 3, heads, hd]), [2, 0, 3, 1, 4]); // [3, B, H, N, hd]
    const [q, k, v] = tf.unstack(split) as tf.Tensor4D[];
    const out = perHeadMatMul() ? attendPerHead(q, k, v, B, N, hd) : attendBatched(q, k, v, hd); // [B, H, N, hd]
    const merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * N, D]);
    return tf.reshape(blockDense(i, 'proj', merged, blk.projW, blk.projB), [B, N, D]);
  };

  const attendBatched = (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, hd: number) => {
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)); // [B, H, N, N]
    return tf.matMul(tf.softmax(scores), v);
  };

  /**
   * tfjs-wasm runs batched matMuls, and any matMul with transposeB, outside XNNPACK's fast path:
   * q kᵀ for 6 heads takes ~30 ms that way and ~3 ms as six 2-D products with kᵀ made explicit
   * (measured on this 2-core machine; ViT-S/14 at 224 went from ~0.89 s to see bench/).
   */
  const attendPerHead = (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, B: number, N: number, hd: number) => {
    // One head: a reshape, since tfjs's gradient of a one-output unstack fails (adapters train through it).
    const flat = (t: tf.Tensor4D) => (B * heads === 1 ? [tf.reshape(t, [N, hd])] : tf.unstack(tf.reshape(t, [B * heads, N, hd]))) as tf.Tensor2D[];
    const [qs, ks, vs] = [flat(q), flat(k), flat(v)];
    const heads2d = qs.map((qh, i) => {
      const scores = tf.mul(tf.matMul(qh, tf.transpose(ks[i]) as tf.Tensor2D), 1 / Math.sqrt(hd)); // [N, N]
      return tf.matMul(tf.softmax(scores) as tf.Tensor2D, vs[i]); // [N, hd]
    });
    return tf.reshape(tf.stack(heads2d), [B, heads, N, hd]) as tf.Tensor4D;
  };

  const mlp = (x: tf.Tensor3D, blk: Block, i: number, B: number, N: number) => {
    const h = blockDense(i, 'fc1', tf.reshape(x, [B * N, D]), blk.fc1W, blk.fc1B);
    let act: tf.Tensor;
    if (swiglu) {
      const [a, g] = tf.split(h, 2, 1);
      act = tf.mul(tf.mul(a, tf.sigmoid(a)), g);
    } else act = gelu(h);
    return tf.reshape(blockDense(i, 'fc2', act, blk.fc2W, blk.fc2B), [B, N, D]);
  };

  function tokens(pixels: tf.Tensor4D): tf.Tensor3D {
    const [B, C, H, W] = pixels.shape;
    if (C !== 3) throw new Error(`DINOv2 takes 3 input channels, got ${C}`);
    if (H % p || W % p) throw new Error(`input ${H}x${W} is not a multiple of the patch size ${p}`);
    const rows = H / p;
    const cols = W / p;
    const P = rows * cols;
    // Patch embedding as one matMul: [B, 3, rows, p, cols, p] -> [B * P, 3 * p * p].
    const patches = simdKernelsOn()
      ? (tf.engine().runKernel(PATCHIFY, { pixels }, { patchSize: p }) as tf.Tensor2D)
      : tf.reshape(tf.transpose(tf.reshape(pixels, [B, 3, rows, p, cols, p]), [0, 2, 4, 1, 3, 5]), [B * P, 3 * p * p]);
    const embedded = tf.reshape(dense(patches, patchW, patchB), [B, P, D]);
    const pos = posEmbed(rows, cols, H === W);
    const cls = tf.add(clsToken, tf.slice(pos, [0, 0, 0], [1, 1, D])) as tf.Tensor3D;
    const parts: tf.Tensor3D[] = [tf.tile(cls, [B, 1, 1])];
    if (regTokens) parts.push(tf.tile(regTokens, [B, 1, 1])); // registers get no position embedding
    parts.push(tf.add(embedded, tf.slice(pos, [0, 1, 0], [1, P, D])) as tf.Tensor3D);
    return tf.concat(parts, 1) as tf.Tensor3D; // [B, N, D]
  }

  function runBlocks(blocks: Block[], input: tf.Tensor3D, from: number, to: number, with_?: BlockAdapter): tf.Tensor3D {
    const [B, N] = input.shape;
    adapter = with_;
    try {
      let x = input;
      for (let i = from; i < to; i++) {
        const blk = blocks[i];
        x = residual(x, attention(layerNorm(x, blk.norm1) as tf.Tensor3D, blk, i, B, N), blk.ls1);
        x = residual(x, mlp(layerNorm(x, blk.norm2) as tf.Tensor3D, blk, i, B, N), blk.ls2);
        if (with_?.refine) x = with_.refine(i, x);
      }
      return x;
    } finally {
      adapter = undefined;
    }
  }

  function normed(t: tf.Tensor3D, rows: number, cols: number) {
    const B = t.shape[0];
    const P = rows * cols;
    const n = layerNorm(t, norm) as tf.Tensor3D;
    return {
      cls: tf.reshape(tf.slice(n, [0, 0, 0], [B, 1, D]), [B, D]) as tf.Tensor2D,
      registers: tf.slice(n, [0, 1, 0], [B, R, D]),
      patches: tf.reshape(tf.slice(n, [0, 1 + R, 0], [B, P, D]), [B, rows, cols, D]) as tf.Tensor4D,
    };
  }

  const parameters = [...weights].filter(([n]) => n !== 'mask_token').reduce((a, [, t]) => a + t.values.length, 0);
  const fields: Record<BlockLinear, keyof Block> = { qkv: 'qkvW', proj: 'projW', fc1: 'fc1W', fc2: 'fc2W' };

  function assemble(blocks: Block[], mine: tf.Tensor[], disposeShared: boolean): DinoV2 {
    return {
      config,
      parameters,
      tokens,
      blocks: (x, from, to, adapter) => runBlocks(blocks, x, from, to, adapter),
      normed,
      forward(pixels, options = {}) {
        return tf.tidy(() => {
          const [rows, cols] = [pixels.shape[2] / p, pixels.shape[3] / p];
          const n = options.intermediateLayers ?? 0;
          const kept: tf.Tensor3D[] = [];
          let x = tokens(pixels);
          for (let i = 0; i < blocks.length; i++) {
            x = runBlocks(blocks, x, i, i + 1, options.adapter);
            if (i >= blocks.length - n) kept.push(x);
          }
          return {
            ...normed(x, rows, cols),
            prenorm: x,
            intermediates: kept.map((t) => {
              const { cls: c, patches: pt } = normed(t, rows, cols);
              return { cls: c, patches: pt };
            }),
          };
        });
      },
      withMergedLinear(deltas) {
        const merged = blocks.map((b) => ({ ...b }));
        const made: tf.Tensor[] = [];
        for (const d of deltas) {
          const field = fields[d.layer];
          const current = merged[d.block][field] as tf.Tensor2D;
          const next = tf.tidy(() => tf.add(current, tf.pad(d.delta, [[0, 0], [d.offset, current.shape[1] - d.offset - d.delta.shape[1]]])) as tf.Tensor2D);
          // qkv's three parts merge one after another: only the last sum is kept.
          if (current !== blocks[d.block][field]) {
            made.splice(made.indexOf(current), 1);
            current.dispose();
          }
          made.push(next);
          (merged[d.block] as Record<keyof Block, unknown>)[field] = next;
        }
        return assemble(merged, made, false);
      },
      dispose() {
        for (const t of mine) t.dispose();
        mine.length = 0;
        if (disposeShared) posCache.clear();
      },
    };
  }
  return assemble(blocks, owned, true);
}
