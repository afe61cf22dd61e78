/**
 * Deterministic random DINOv2 checkpoints, for tests and offline demos (these machines cannot
 * download the published weights). The initialisation follows the reference vectors' recipe, so
 * attention is non-uniform and GELU works in its non-linear range, as with trained weights.
 */
import { gaussian, mulberry32 } from '../../synthetic/random.ts';
import { type TensorToWrite, writeSafetensors } from '../../weights/safetensors.ts';
import { PATCH_SIZE } from './constants.ts';
import { origToHf } from './names.ts';
import { expectedShapes } from './weights.ts';
import type { DinoV2Config, Naming } from './types.ts';

export const PRESETS = {
  /** dinov2_vits14: ViT-S/14, the studio's default model. */
  'vits14': { dim: 384, depth: 12, registers: 0, posGrid: 37 },
  'vits14-reg': { dim: 384, depth: 12, registers: 4, posGrid: 37 },
  'vitb14': { dim: 768, depth: 12, registers: 0, posGrid: 37 },
  /** Small enough for unit tests and end-to-end tests in a browser without a GPU. */
  'tiny': { dim: 64, depth: 2, registers: 0, posGrid: 16 },
  /**
   * The tiny shape with identity blocks and a patch embedding that keeps each channel's mean over
   * the patch's four 7x7 quadrants (features 0-11): a stand-in for a backbone that preserves what
   * the input channels carry, so tests can check that a mapping's information reaches the head
   * (a random network scrambles it, and trained weights cannot be downloaded here).
   */
  'probe': { dim: 64, depth: 2, registers: 0, posGrid: 16 },
} as const;

export type Preset = keyof typeof PRESETS;

export function randomConfig(preset: Preset, naming: Naming = 'orig'): DinoV2Config {
  const p = PRESETS[preset];
  return {
    dim: p.dim,
    depth: p.depth,
    heads: p.dim / 64,
    registers: p.registers,
    patchSize: PATCH_SIZE,
    posGrid: p.posGrid,
    mlpHidden: 4 * p.dim,
    ffn: 'mlp',
    naming,
    interpolation: p.registers > 0 ? 'antialias' : naming === 'hf' ? 'hf' : 'authors',
    randomWeights: true,
  };
}

/** Tensors under the authors' names, in state_dict order. */
export function randomTensors(config: DinoV2Config, seed: number): TensorToWrite[] {
  const rand = mulberry32(seed);
  const randn = gaussian(rand);
  const fill = (n: number, f: () => number) => Float32Array.from({ length: n }, f);
  const truncNormal = (std: number) => () => {
    let v: number;
    do v = randn(); while (Math.abs(v) > 2);
    return v * std;
  };
  const out: TensorToWrite[] = [];
  for (const [name, shape] of expectedShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let f: () => number;
    if (/^(pos_embed|cls_token|register_tokens)$/.test(name)) f = () => 0.5 * randn();
    else if (name.startsWith('patch_embed.')) {
      const bound = 1 / Math.sqrt(3 * config.patchSize * config.patchSize);
      f = () => (2 * rand() - 1) * bound;
    } else if (/ls[12]\.gamma$/.test(name)) f = () => 0.5 + 0.1 * randn();
    else if (/norm[12]?\.weight$/.test(name)) f = () => 1 + 0.2 * randn();
    else if (/norm[12]?\.bias$/.test(name)) f = () => 0.1 * randn();
    else if (name.endsWith('.bias')) f = () => 0.05 * randn();
    else if (name.endsWith('qkv.weight')) f = truncNormal(0.08);
    else if (name.endsWith('fc1.weight')) f = truncNormal(0.06);
    else f = truncNormal(0.02);
    out.push({ name, shape, values: fill(n, f) });
  }
  out.splice(1, 0, { name: 'mask_token', shape: [1, config.dim], values: fill(config.dim, () => 0.5 * randn()) });
  return out;
}

/** randomTensors reshaped into the 'probe' preset (see PRESETS). */
function probeTensors(config: DinoV2Config, seed: number): TensorToWrite[] {
  const p = config.patchSize;
  const half = p / 2;
  return randomTensors(config, seed).map((t) => {
    if (/ls[12]\.gamma$/.test(t.name)) return { ...t, values: new Float32Array(t.values.length) }; // blocks add nothing
    if (t.name === 'pos_embed') return { ...t, values: t.values.map((v) => v * 0.02) };
    if (t.name === 'norm.weight') return { ...t, values: new Float32Array(t.values.length).fill(1) };
    if (t.name === 'norm.bias') return { ...t, values: new Float32Array(t.values.length) };
    // One constant feature (bias 4) dominates the final LayerNorm's spread, which keeps the
    // quadrant means' scale instead of normalising each patch's contrast away.
    if (t.name === 'patch_embed.proj.bias') return { ...t, values: Float32Array.from(t.values, (_, i) => (i === 12 ? 4 : 0)) };
    if (t.name === 'patch_embed.proj.weight') {
      // [dim, 3, p, p]: feature 3q + c averages channel c over quadrant q; the rest are 0.
      const w = new Float32Array(t.values.length);
      for (let q = 0; q < 4; q++) {
        for (let c = 0; c < 3; c++) {
          const f = 3 * q + c;
          for (let y = 0; y < half; y++) for (let x = 0; x < half; x++) w[((f * 3 + c) * p + y + half * (q >> 1)) * p + x + half * (q & 1)] = 1 / (half * half);
        }
      }
      return { ...t, values: w };
    }
    return t;
  });
}

/** Authors' names to Hugging Face's, splitting qkv into query, key and value. */
export function toHfTensors(tensors: TensorToWrite[]): TensorToWrite[] {
  return tensors.flatMap((t) => {
    const names = origToHf(t.name) ?? [t.name];
    if (names.length === 1) return [{ ...t, name: names[0] }];
    const part = t.values.length / names.length;
    return names.map((name, k) => ({ name, shape: [t.shape[0] / names.length, ...t.shape.slice(1)], values: t.values.slice(k * part, (k + 1) * part) }));
  });
}

/** A random checkpoint as safetensors bytes, marked random in its metadata. */
export function randomCheckpoint(preset: Preset, options: { seed?: number; naming?: Naming; dtype?: 'F32' | 'F16' } = {}): Uint8Array {
  const naming = options.naming ?? 'orig';
  const config = randomConfig(preset, naming);
  const tensors = (preset === 'probe' ? probeTensors : randomTensors)(config, options.seed ?? 0);
  return writeSafetensors(naming === 'hf' ? toHfTensors(tensors) : tensors, options.dtype ?? 'F32', {
    format: 'pt',
    naming,
    random: 'true',
    preset,
  });
}
