/**
 * An adapter as files to keep and share, and back. LoRA: PEFT's layout (peft.ts). Rein: the
 * authors' LoRAReins state_dict names under `reins.` (as ReinsDinoVisionTransformer holds it),
 * torch layouts, for the adapted blocks only, beside rein_config.json saying which blocks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DinoV2Config } from '../models/dinov2/types.ts';
import { parseSafetensors, toFloat32, writeSafetensors } from '../weights/safetensors.ts';
import type { Adapter } from './adapter.ts';
import type { LoraAdapter } from './lora.ts';
import { loraFromPeft, loraToPeft } from './peft.ts';
import { parseReinConfig } from './configFiles.ts';
import { reinFromParts, type ReinAdapter } from './rein.ts';

export const REIN_FILES = { model: 'rein_model.safetensors', config: 'rein_config.json' } as const;

export type AdapterFiles = Record<string, Uint8Array>;

const text = (s: string) => new TextEncoder().encode(s);

export function adapterFiles(adapter: Adapter, c: DinoV2Config, baseModel: string): AdapterFiles {
  if (adapter.kind === 'lora') {
    const peft = loraToPeft(adapter as LoraAdapter, c, baseModel);
    return { 'adapter_model.safetensors': peft['adapter_model.safetensors'], 'adapter_config.json': text(peft['adapter_config.json']) };
  }
  const r = adapter as ReinAdapter;
  const D = c.dim;
  const transposed = (w: tf.Tensor2D) => tf.tidy(() => tf.transpose(w).dataSync() as Float32Array); // [in, out] -> torch's [out, in]
  const stack = (ts: tf.Tensor[]) => tf.tidy(() => tf.stack(ts).dataSync() as Float32Array);
  const { tokens: m, rank } = r.settings;
  const k = r.tokenFactors.length;
  const model = writeSafetensors(
    [
      { name: 'reins.learnable_tokens_a', shape: [k, m, rank], values: stack(r.tokenFactors.map((t) => t.a)) },
      { name: 'reins.learnable_tokens_b', shape: [k, rank, D], values: stack(r.tokenFactors.map((t) => t.b)) },
      { name: 'reins.mlp_token2feat.weight', shape: [D, D], values: transposed(r.tokenToFeature.w) },
      { name: 'reins.mlp_token2feat.bias', shape: [D], values: r.tokenToFeature.b.dataSync() as Float32Array },
      { name: 'reins.mlp_delta_f.weight', shape: [D, D], values: transposed(r.deltaFeature.w) },
      { name: 'reins.mlp_delta_f.bias', shape: [D], values: r.deltaFeature.b.dataSync() as Float32Array },
    ],
    'F32',
    { format: 'pt' },
  );
  const config = {
    adapter: 'rein',
    base_model_name_or_path: baseModel,
    layers: r.tokenFactors.map((t) => t.block),
    token_length: m,
    lora_dim: rank,
    embed_dims: D,
    patch_size: c.patchSize,
    zero_mlp_delta_f: true,
    scale: 1,
    studio: { seed: r.settings.seed, learning_rate: r.settings.learningRate },
  };
  return { [REIN_FILES.model]: model, [REIN_FILES.config]: text(JSON.stringify(config, null, 2)) };
}

/** Reads an adapter back from its files (either kind), checked against this backbone. */
export function readAdapterFiles(files: AdapterFiles, c: DinoV2Config): Adapter {
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (files['adapter_config.json'] && files['adapter_model.safetensors']) {
    return loraFromPeft({ 'adapter_config.json': decode(files['adapter_config.json']), 'adapter_model.safetensors': files['adapter_model.safetensors'] }, c);
  }
  if (!files[REIN_FILES.config] || !files[REIN_FILES.model]) throw new Error(`an adapter is adapter_config.json with adapter_model.safetensors (LoRA, PEFT's layout) or ${REIN_FILES.config} with ${REIN_FILES.model} (Rein); got ${Object.keys(files).join(', ') || 'no files'}`);
  const config = parseReinConfig(decode(files[REIN_FILES.config]));
  const { tensors } = parseSafetensors(files[REIN_FILES.model]);
  const D = c.dim;
  if (config.embed_dims !== D) throw new Error(`this Rein adapter was trained on a ${config.embed_dims}-wide backbone; the loaded one is ${D} wide`);
  const layers: number[] = config.layers;
  if (!layers.length || layers.some((l, i) => l !== layers[0] + i) || layers.at(-1) !== c.depth - 1) throw new Error(`rein_config.json's layers (${layers.join(', ')}) are not the last blocks of this ${c.depth}-block backbone`);
  const get = (name: string, shape: number[]) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`${REIN_FILES.model} has no ${name}`);
    if (t.shape.join() !== shape.join()) throw new Error(`${name} is [${t.shape}], expected [${shape}]`);
    return toFloat32(t);
  };
  const { token_length: m, lora_dim: r } = config;
  const k = layers.length;
  const a = get('reins.learnable_tokens_a', [k, m, r]);
  const b = get('reins.learnable_tokens_b', [k, r, D]);
  const linear = (name: string) => ({
    w: tf.variable(tf.tidy(() => tf.transpose(tf.tensor2d(get(`${name}.weight`, [D, D]), [D, D])))) as tf.Variable<tf.Rank.R2>,
    b: tf.variable(tf.tensor1d(get(`${name}.bias`, [D]))) as tf.Variable<tf.Rank.R1>,
  });
  const tokenFactors = layers.map((block, i) => ({
    block,
    a: tf.variable(tf.tensor2d(a.subarray(i * m * r, (i + 1) * m * r), [m, r])) as tf.Variable<tf.Rank.R2>,
    b: tf.variable(tf.tensor2d(b.subarray(i * r * D, (i + 1) * r * D), [r, D])) as tf.Variable<tf.Rank.R2>,
  }));
  const settings = { tokens: m, rank: r, blocks: k, seed: config.studio?.seed ?? 0, learningRate: config.studio?.learning_rate ?? 1e-3 };
  return reinFromParts(settings, c, layers[0], tokenFactors, linear('reins.mlp_token2feat'), linear('reins.mlp_delta_f'));
}
