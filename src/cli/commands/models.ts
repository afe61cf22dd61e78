import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { convertCheckpoint } from '../../core/models/dinov2/convert.ts';
import type { PosInterpolation } from '../../core/models/dinov2/interpolate.ts';
import { loadDinoV2 } from '../../core/models/dinov2/load.ts';
import { PRESETS, type Preset, randomCheckpoint } from '../../core/models/dinov2/random.ts';
import { flag, intFlag, type ParsedArgs, UsageError } from '../args.ts';
import { type NodeBackend, useNodeBackend } from '../tfNode.ts';

export const embedHelp =
  'embed --weights W.safetensors [--weights more.safetensors] --input X.bin --height H --width W --out Y.bin [--interpolation authors|hf|antialias] [--backend wasm|cpu]';
export const convertHelp = 'convert --weights W.safetensors [--config config.json] [--interpolation authors|hf|antialias] --out OUT.safetensors   (writes OUT.safetensors, F16, and OUT.json)';
export const checkpointHelp = `make-checkpoint --preset ${Object.keys(PRESETS).join('|')} --out W.safetensors [--seed N] [--naming orig|hf] [--dtype F32|F16]   random weights for tests`;

function interpolationFlag(args: ParsedArgs): PosInterpolation | undefined {
  const v = args.flags.get('interpolation')?.[0];
  if (v === undefined) return undefined;
  if (v !== 'authors' && v !== 'hf' && v !== 'antialias') throw new UsageError(`--interpolation must be authors, hf or antialias, not "${v}"`);
  return v;
}

function weightFiles(args: ParsedArgs): Uint8Array[] {
  const paths = args.flags.get('weights') ?? [];
  if (paths.length === 0) throw new UsageError('missing --weights');
  return paths.map((p) => new Uint8Array(readFileSync(p)));
}

/** Normalised patch tokens of a raw float32 NCHW input, as raw float32 [rows*cols, dim] per image. */
export async function embed(args: ParsedArgs): Promise<unknown> {
  const height = intFlag(args, 'height');
  const width = intFlag(args, 'width');
  const backend = await useNodeBackend((flag(args, 'backend', 'wasm') as NodeBackend));
  const model = loadDinoV2(weightFiles(args), { interpolation: interpolationFlag(args) });
  const raw = readFileSync(flag(args, 'input'));
  const perImage = 3 * height * width;
  if (raw.byteLength % (4 * perImage) !== 0 || raw.byteLength === 0) {
    throw new UsageError(`--input holds ${raw.byteLength} bytes, not a whole number of 3x${height}x${width} float32 images`);
  }
  const batch = raw.byteLength / (4 * perImage);
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const pixels = tf.tensor4d(values, [batch, 3, height, width]);
  const start = performance.now();
  const out = model.forward(pixels);
  const tokens = await out.patches.data();
  const ms = performance.now() - start;
  const [, rows, cols, dim] = out.patches.shape;
  writeFileSync(flag(args, 'out'), new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength));
  tf.dispose([pixels, out.cls, out.patches, out.prenorm, out.registers]);
  return { rows, cols, dim, batch, backend, ms: Math.round(ms * 10) / 10, interpolation: model.config.interpolation, randomWeights: model.config.randomWeights };
}

export function convert(args: ParsedArgs): unknown {
  const out = flag(args, 'out');
  if (!out.endsWith('.safetensors')) throw new UsageError('--out must end in .safetensors');
  const configPath = args.flags.get('config')?.[0];
  const configJson = configPath ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined;
  const { safetensors, config } = convertCheckpoint(weightFiles(args), { configJson, interpolation: interpolationFlag(args) });
  const jsonPath = out.replace(/\.safetensors$/, '.json');
  writeFileSync(out, safetensors);
  writeFileSync(jsonPath, `${JSON.stringify(config, null, 2)}\n`);
  return { out, config: jsonPath, bytes: safetensors.byteLength, ...config };
}

export function makeCheckpoint(args: ParsedArgs): unknown {
  const preset = flag(args, 'preset', 'tiny') as Preset;
  if (!(preset in PRESETS)) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`);
  const naming = flag(args, 'naming', 'orig');
  if (naming !== 'orig' && naming !== 'hf') throw new UsageError('--naming must be orig or hf');
  const dtype = flag(args, 'dtype', 'F32');
  if (dtype !== 'F32' && dtype !== 'F16') throw new UsageError('--dtype must be F32 or F16');
  const bytes = randomCheckpoint(preset, { seed: intFlag(args, 'seed', 0), naming, dtype });
  const out = flag(args, 'out');
  writeFileSync(out, bytes);
  return { out, preset, naming, dtype, bytes: bytes.byteLength, randomWeights: true };
}
