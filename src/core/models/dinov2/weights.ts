/**
 * Checkpoints in either layout (the authors' state_dict names or Hugging Face's Dinov2Model /
 * Dinov2WithRegistersModel names) become one set of weights under the authors' names, with the
 * architecture read from the tensors themselves.
 */
import { parseSafetensors, toFloat32, WeightsError } from '../../weights/safetensors.ts';
import { PATCH_SIZE } from './constants.ts';
import { hfToOrig, origToHf, QKV_PARTS } from './names.ts';
import type { PosInterpolation } from './interpolate.ts';
import type { DinoV2Config, DinoV2Weights, Naming } from './types.ts';

/** Merges several safetensors files (e.g. a backbone and a register shard) into authors' names. */
export function readCheckpoint(files: Uint8Array[]): { weights: DinoV2Weights; naming: Naming; metadata: Record<string, string> } {
  const raw = new Map<string, { shape: number[]; values: Float32Array }>();
  let metadata: Record<string, string> = {};
  for (const file of files) {
    const parsed = parseSafetensors(file);
    metadata = { ...metadata, ...parsed.metadata };
    for (const [name, t] of parsed.tensors) raw.set(name.replace(/^(dinov2|backbone|model)\./, ''), { shape: t.shape, values: toFloat32(t) });
  }
  const naming: Naming = [...raw.keys()].some((k) => k.startsWith('embeddings.') || k.startsWith('encoder.layer.')) ? 'hf' : 'orig';
  if (naming === 'orig') return { weights: raw, naming, metadata };
  const weights: DinoV2Weights = new Map();
  const qkv = new Map<string, Partial<Record<(typeof QKV_PARTS)[number], { shape: number[]; values: Float32Array }>>>();
  for (const [name, t] of raw) {
    const mapped = hfToOrig(name);
    if (mapped?.qkvPart) qkv.set(mapped.name, { ...qkv.get(mapped.name), [mapped.qkvPart]: t });
    else weights.set(mapped?.name ?? name, t);
  }
  for (const [key, parts] of qkv) {
    const missing = QKV_PARTS.filter((p) => !parts[p]);
    if (missing.length) throw new WeightsError(`checkpoint lacks the ${missing.join(', ')} part of ${origToHf(key)![0].replace('.query.', '.{query,key,value}.')}`);
    // The authors' qkv is query, key and value stacked along the output axis.
    const [q, k, v] = QKV_PARTS.map((p) => parts[p]!);
    const values = new Float32Array(q.values.length * 3);
    values.set(q.values, 0);
    values.set(k.values, q.values.length);
    values.set(v.values, 2 * q.values.length);
    weights.set(key, { shape: [q.shape[0] * 3, ...q.shape.slice(1)], values });
  }
  return { weights, naming, metadata };
}

/** Names (the authors' layout, which Hugging Face names are mapped to) only a DINOv2 backbone has. */
const DINOV2_NAME = /^(cls_token|register_tokens|mask_token|pos_embed|patch_embed\.|blocks\.\d+\.)/;

function need(w: DinoV2Weights, name: string): { shape: number[]; values: Float32Array } {
  const t = w.get(name);
  if (!t) throw new WeightsError(`checkpoint lacks tensor ${name}`);
  return t;
}

/** The interpolation rule that reproduces the checkpoint's own code (see interpolate.ts). */
export function defaultInterpolation(naming: Naming, registers: number): PosInterpolation {
  if (registers > 0) return 'antialias';
  return naming === 'hf' ? 'hf' : 'authors';
}

/** Architecture from tensor shapes; heads from config.json when given, else dim / 64 as in every hub model. */
export function inferConfig(
  w: DinoV2Weights,
  naming: Naming,
  options: { configJson?: { num_attention_heads?: number }; interpolation?: PosInterpolation; randomWeights?: boolean } = {},
): DinoV2Config {
  if (![...w.keys()].some((k) => DINOV2_NAME.test(k))) {
    const sample = [...w.keys()].slice(0, 3).join(', ');
    throw new WeightsError(
      `this is not a DINOv2 checkpoint: none of its ${w.size} tensors${sample ? ` (${sample}${w.size > 3 ? ', …' : ''})` : ''} belongs to a DINOv2 backbone; ` +
        `the studio reads DINOv2 checkpoints in the authors' or Hugging Face's layout (facebook/dinov2-*)`,
    );
  }
  const cls = need(w, 'cls_token');
  const dim = cls.shape[cls.shape.length - 1];
  const patch = need(w, 'patch_embed.proj.weight');
  const pos = need(w, 'pos_embed');
  const posGrid = Math.round(Math.sqrt(pos.shape[1] - 1));
  if (posGrid * posGrid + 1 !== pos.shape[1]) throw new WeightsError(`pos_embed has ${pos.shape[1]} positions, not 1 + a square grid`);
  let depth = 0;
  while (w.has(`blocks.${depth}.norm1.weight`)) depth++;
  if (depth === 0) throw new WeightsError('checkpoint has no transformer blocks (blocks.0.norm1.weight missing)');
  const registers = w.get('register_tokens')?.shape[1] ?? 0;
  const swiglu = w.has('blocks.0.mlp.w12.weight');
  const mlpHidden = swiglu ? need(w, 'blocks.0.mlp.w12.weight').shape[0] / 2 : need(w, 'blocks.0.mlp.fc1.weight').shape[0];
  const heads = options.configJson?.num_attention_heads ?? dim / 64;
  if (!Number.isInteger(heads) || dim % heads !== 0) throw new WeightsError(`cannot split dim ${dim} into ${heads} heads; give config.json`);
  const config: DinoV2Config = {
    dim,
    depth,
    heads,
    registers,
    patchSize: patch.shape[2] ?? PATCH_SIZE,
    posGrid,
    mlpHidden,
    ffn: swiglu ? 'swiglu' : 'mlp',
    naming,
    interpolation: options.interpolation ?? defaultInterpolation(naming, registers),
    randomWeights: options.randomWeights ?? false,
  };
  validateWeights(w, config);
  return config;
}

/** Every tensor the forward pass reads, with its expected shape. */
export function expectedShapes(c: DinoV2Config): Map<string, number[]> {
  const D = c.dim;
  const s = new Map<string, number[]>([
    ['cls_token', [1, 1, D]],
    ['pos_embed', [1, c.posGrid * c.posGrid + 1, D]],
    ['patch_embed.proj.weight', [D, 3, c.patchSize, c.patchSize]],
    ['patch_embed.proj.bias', [D]],
    ['norm.weight', [D]],
    ['norm.bias', [D]],
  ]);
  if (c.registers > 0) s.set('register_tokens', [1, c.registers, D]);
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks.${i}`;
    for (const n of ['norm1', 'norm2']) [s.set(`${b}.${n}.weight`, [D]), s.set(`${b}.${n}.bias`, [D])];
    s.set(`${b}.attn.qkv.weight`, [3 * D, D]).set(`${b}.attn.qkv.bias`, [3 * D]);
    s.set(`${b}.attn.proj.weight`, [D, D]).set(`${b}.attn.proj.bias`, [D]);
    s.set(`${b}.ls1.gamma`, [D]).set(`${b}.ls2.gamma`, [D]);
    if (c.ffn === 'mlp') {
      s.set(`${b}.mlp.fc1.weight`, [c.mlpHidden, D]).set(`${b}.mlp.fc1.bias`, [c.mlpHidden]);
      s.set(`${b}.mlp.fc2.weight`, [D, c.mlpHidden]).set(`${b}.mlp.fc2.bias`, [D]);
    } else {
      s.set(`${b}.mlp.w12.weight`, [2 * c.mlpHidden, D]).set(`${b}.mlp.w12.bias`, [2 * c.mlpHidden]);
      s.set(`${b}.mlp.w3.weight`, [D, c.mlpHidden]).set(`${b}.mlp.w3.bias`, [D]);
    }
  }
  return s;
}

function validateWeights(w: DinoV2Weights, c: DinoV2Config): void {
  const problems: string[] = [];
  for (const [name, shape] of expectedShapes(c)) {
    const t = w.get(name);
    if (!t) problems.push(`missing ${name} [${shape}]`);
    else if (t.shape.join() !== shape.join()) problems.push(`${name} has shape [${t.shape}], expected [${shape}]`);
  }
  if (problems.length) throw new WeightsError(`checkpoint does not fit a DINOv2 of dim ${c.dim}, depth ${c.depth}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
}
