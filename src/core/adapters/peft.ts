/**
 * A LoRA adapter in Hugging Face PEFT's layout, so Python users load it on facebook/dinov2-* with
 * `PeftModel.from_pretrained(Dinov2Model.from_pretrained(base), dir)`:
 *   adapter_model.safetensors: base_model.model.<Dinov2Model module>.lora_A.weight [r, in] and
 *                              .lora_B.weight [out, r];
 *   adapter_config.json: peft_type LORA, r, lora_alpha, target_modules (module name suffixes) with
 *                        layers_to_transform / layers_pattern for "the last k blocks only".
 * Module names follow transformers' Dinov2Model (models/dinov2/names.ts): qkv is three modules,
 * attention.attention.query / key / value; proj is attention.output.dense; fc1 / fc2 are mlp.fc1 /
 * mlp.fc2 (mlp.weights_in / weights_out for SwiGLU backbones).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BlockLinear } from '../models/dinov2/model.ts';
import type { DinoV2Config } from '../models/dinov2/types.ts';
import { parseSafetensors, toFloat32, writeSafetensors, type TensorToWrite } from '../weights/safetensors.ts';
import { parsePeftConfig } from './configFiles.ts';
import { type LoraAdapter, loraFromPairs, type LoraPair, layerShape } from './lora.ts';

export const PEFT_PREFIX = 'base_model.model.';

/** The Dinov2Model module a pair adapts, e.g. encoder.layer.11.attention.attention.query. */
export function peftModule(p: Pick<LoraPair, 'block' | 'layer' | 'part'>, c: Pick<DinoV2Config, 'ffn'>): string {
  const layer = `encoder.layer.${p.block}`;
  if (p.layer === 'qkv') return `${layer}.attention.attention.${p.part}`;
  if (p.layer === 'proj') return `${layer}.attention.output.dense`;
  const swiglu = c.ffn === 'swiglu';
  return `${layer}.mlp.${p.layer === 'fc1' ? (swiglu ? 'weights_in' : 'fc1') : swiglu ? 'weights_out' : 'fc2'}`;
}

const suffix = (module: string) => module.split('.').pop()!;

/** The Hugging Face model a backbone of this shape is (what PEFT loads the adapter onto). */
export function peftBaseModel(c: Pick<DinoV2Config, 'dim' | 'registers'>): string {
  const size = ({ 384: 'small', 768: 'base', 1024: 'large', 1536: 'giant' } as Record<number, string>)[c.dim];
  if (!size) return 'facebook/dinov2-small';
  return c.registers ? `facebook/dinov2-with-registers-${size}` : `facebook/dinov2-${size}`;
}

export interface PeftFiles {
  'adapter_model.safetensors': Uint8Array;
  'adapter_config.json': string;
}

export function loraToPeft(adapter: LoraAdapter, c: DinoV2Config, baseModel: string): PeftFiles {
  const tensors: TensorToWrite[] = [];
  for (const p of adapter.pairs) {
    const module = peftModule(p, c);
    tensors.push({ name: `${PEFT_PREFIX}${module}.lora_A.weight`, shape: p.a.shape, values: p.a.dataSync() as Float32Array });
    tensors.push({ name: `${PEFT_PREFIX}${module}.lora_B.weight`, shape: p.b.shape, values: p.b.dataSync() as Float32Array });
  }
  const s = adapter.settings;
  const config = {
    peft_type: 'LORA',
    task_type: null,
    base_model_name_or_path: baseModel,
    r: s.rank,
    lora_alpha: s.alpha,
    lora_dropout: 0,
    bias: 'none',
    fan_in_fan_out: false,
    init_lora_weights: true,
    target_modules: [...new Set(adapter.pairs.map((p) => suffix(peftModule(p, c))))].sort(),
    layers_to_transform: [...new Set(adapter.pairs.map((p) => p.block))].sort((a, b) => a - b),
    layers_pattern: 'layer',
    modules_to_save: null,
    // Not PEFT's: what the studio needs to read it back as it trained it.
    studio: { seed: s.seed, targets: s.targets, blocks: s.blocks, learning_rate: s.learningRate },
  };
  return { 'adapter_model.safetensors': writeSafetensors(tensors, 'F32', { format: 'pt' }), 'adapter_config.json': JSON.stringify(config, null, 2) };
}

/** A PEFT LoRA adapter read back onto this backbone; anything it cannot place is refused by name. */
export function loraFromPeft(files: PeftFiles, c: DinoV2Config): LoraAdapter {
  const config = parsePeftConfig(files['adapter_config.json']);
  if (config.peft_type !== 'LORA') throw new Error(`adapter_config.json is a ${config.peft_type} adapter, not LORA`);
  const { tensors } = parseSafetensors(files['adapter_model.safetensors']);
  const layers: BlockLinear[] = ['qkv', 'proj', 'fc1', 'fc2'];
  const pairs: LoraPair[] = [];
  const used = new Set<string>();
  for (let block = 0; block < c.depth; block++) {
    for (const layer of layers) {
      for (const part of layer === 'qkv' ? (['query', 'key', 'value'] as const) : [undefined]) {
        const module = `${PEFT_PREFIX}${peftModule({ block, layer, part }, c)}`;
        const [a, b] = [tensors.get(`${module}.lora_A.weight`), tensors.get(`${module}.lora_B.weight`)];
        if (!a && !b) continue;
        if (!a || !b) throw new Error(`the adapter has ${a ? 'lora_A' : 'lora_B'} but not ${a ? 'lora_B' : 'lora_A'} for ${module}`);
        const [inW, outW] = layerShape(c, layer);
        const r = config.r;
        if (a.shape.join() !== [r, inW].join() || b.shape.join() !== [outW, r].join()) {
          throw new Error(`${module}: lora_A is [${a.shape}] and lora_B [${b.shape}], this backbone needs [${r},${inW}] and [${outW},${r}] (another model size or rank?)`);
        }
        pairs.push({ block, layer, part, a: tf.variable(tf.tensor2d(toFloat32(a), [r, inW])), b: tf.variable(tf.tensor2d(toFloat32(b), [outW, r])) });
        used.add(`${module}.lora_A.weight`).add(`${module}.lora_B.weight`);
      }
    }
  }
  const unknown = [...tensors.keys()].filter((n) => !used.has(n));
  if (unknown.length) throw new Error(`the adapter holds tensors this backbone has no place for: ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}`);
  if (!pairs.length) throw new Error('the adapter holds no LoRA tensors for a Dinov2Model');
  const first = Math.min(...pairs.map((p) => p.block));
  const targets = layers.filter((l) => pairs.some((p) => p.layer === l));
  return loraFromPairs({ rank: config.r, alpha: config.lora_alpha, blocks: c.depth - first, targets, seed: config.studio?.seed ?? 0, learningRate: config.studio?.learning_rate ?? 1e-3 }, first, pairs);
}
