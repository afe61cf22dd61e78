import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeBackend, useNodeBackend } from '../../../cli/tfNode.ts';
import { maxAbsDiff, readBin, readShape, toHfNaming, weightsFile } from '../../../../test/dinov2Reference.ts';
import { setSimdKernels, simdKernelsOn } from '../../kernels/simdKernels.ts';
import { interpolatePosEmbed, type PosInterpolation } from './interpolate.ts';
import { loadDinoV2 } from './load.ts';
import { readCheckpoint } from './weights.ts';

beforeAll(async () => {
  await useNodeBackend('wasm');
});

const TOL = 1e-4;
const s14 = weightsFile('s14-d2/weights.orig.safetensors');
const s14hf = toHfNaming(s14);

/** Every stored case, in every naming we can build, with the rule its reference used. */
const VARIANTS: { name: string; files: Uint8Array[]; dir: string; inputs: string[]; interpolation?: PosInterpolation; backend?: NodeBackend; fused?: boolean }[] = [
  { name: 's14-d2 orig', files: [s14], dir: 's14-d2', inputs: ['img_224x224', 'img_238x182'] },
  { name: 's14-d2 hf (derived via name-map.json)', files: [s14hf], dir: 's14-d2', inputs: ['img_224x224', 'img_238x182'], interpolation: 'authors' },
  { name: 's14-d2-reg4 orig', files: [s14, weightsFile('s14-d2-reg4/registers.orig.safetensors')], dir: 's14-d2-reg4', inputs: ['img_224x224', 'img_238x182'] },
  { name: 's14-d2-reg4 hf', files: [s14hf, weightsFile('s14-d2-reg4/registers.hf.safetensors')], dir: 's14-d2-reg4', inputs: ['img_224x224', 'img_238x182'] },
  { name: 'tiny orig', files: [weightsFile('tiny/weights.orig.safetensors')], dir: 'tiny', inputs: ['img_224x224', 'img_112x112'] },
  { name: 'tiny hf', files: [weightsFile('tiny/weights.hf.safetensors')], dir: 'tiny', inputs: ['img_224x224', 'img_112x112'], interpolation: 'authors' },
  // wasm runs the fused SIMD kernels (kernels/simd.c) by default: tfjs's own kernels are checked too.
  { name: 's14-d2-reg4 orig, tfjs kernels', files: [s14, weightsFile('s14-d2-reg4/registers.orig.safetensors')], dir: 's14-d2-reg4', inputs: ['img_224x224', 'img_238x182'], fused: false },
  // The same on the pure-JS cpu backend, the fallback of last resort.
  { name: 'tiny orig, cpu backend', files: [weightsFile('tiny/weights.orig.safetensors')], dir: 'tiny', inputs: ['img_112x112'], backend: 'cpu' },
];

describe.each(VARIANTS)('DINOv2 parity with the authors’ PyTorch: $name', ({ files, dir, inputs, interpolation, backend, fused }) => {
  beforeAll(async () => {
    await useNodeBackend(backend ?? 'wasm');
    setSimdKernels(fused ?? true);
    expect(simdKernelsOn()).toBe((backend ?? 'wasm') === 'wasm' && fused !== false);
  });
  afterAll(() => setSimdKernels(true));
  it.each(inputs)('%s: every output within 1e-4', (input) => {
    const model = loadDinoV2(files, { interpolation });
    const shape = readShape(`inputs/${input}.bin`) as [number, number, number, number];
    const before = tf.memory().numTensors;
    const pixels = tf.tensor4d(readBin(`inputs/${input}.bin`), shape);
    const out = model.forward(pixels, { intermediateLayers: 2 });
    let worst = 0;
    const check = (t: tf.Tensor, file: string) => {
      const ref = readBin(`${dir}/${input}/${file}.bin`);
      expect(t.size, file).toBe(ref.length);
      const err = maxAbsDiff(t.dataSync(), ref);
      worst = Math.max(worst, err);
      expect(err, `${file} max abs error`).toBeLessThanOrEqual(TOL);
    };
    check(out.cls, 'x_norm_clstoken');
    check(out.patches, 'x_norm_patchtokens');
    check(out.prenorm, 'x_prenorm');
    if (model.config.registers > 0) check(out.registers, 'x_norm_regtokens');
    out.intermediates.forEach((layer, j) => {
      check(layer.patches, `intermediate_${j}_patchtokens`);
      check(layer.cls, `intermediate_${j}_clstoken`);
    });
    expect(out.patches.shape).toEqual([1, shape[2] / 14, shape[3] / 14, model.config.dim]);
    console.log(`parity ${dir} ${input} on ${tf.getBackend()}: worst max abs error ${worst.toExponential(2)}`);
    tf.dispose([pixels, out.cls, out.registers, out.patches, out.prenorm, ...out.intermediates.flatMap((l) => [l.cls, l.patches])]);
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });
});

describe('position-embedding interpolation', () => {
  const cases: [string, string, PosInterpolation, number, number, boolean][] = [
    ['s14-d2/weights.orig.safetensors', 's14-d2/img_238x182', 'authors', 17, 13, false],
    ['s14-d2/weights.orig.safetensors', 's14-d2-reg4/img_238x182', 'antialias', 17, 13, false],
    ['tiny/weights.orig.safetensors', 'tiny/img_112x112', 'authors', 8, 8, true],
  ];
  it.each(cases)('%s -> %s (%s) matches the stored pos_embed_interp', (w, ref, rule, rows, cols, square) => {
    const { weights } = readCheckpoint([weightsFile(w)]);
    const pos = weights.get('pos_embed')!;
    const out = interpolatePosEmbed(pos.values, pos.shape[2], rows, cols, rule, square);
    expect(maxAbsDiff(out, readBin(`${ref}/pos_embed_interp.bin`))).toBeLessThan(2e-5);
  });

  it("Hugging Face Dinov2Model's rule (no 0.1 offset) differs from the authors' on these embeddings, as documented", () => {
    const { weights } = readCheckpoint([weightsFile('tiny/weights.orig.safetensors')]);
    const pos = weights.get('pos_embed')!;
    const hf = interpolatePosEmbed(pos.values, 192, 8, 8, 'hf', true);
    expect(maxAbsDiff(hf, readBin('tiny/img_112x112/pos_embed_interp.bin'))).toBeGreaterThan(0.05);
  });

  it('picks the rule from the checkpoint: authors for original names, hf for Dinov2Model, antialias with registers', () => {
    expect(loadDinoV2([s14]).config.interpolation).toBe('authors');
    expect(loadDinoV2([s14hf]).config.interpolation).toBe('hf');
    expect(loadDinoV2([s14, weightsFile('s14-d2-reg4/registers.orig.safetensors')]).config.interpolation).toBe('antialias');
    expect(loadDinoV2([s14], { interpolation: 'hf' }).config.interpolation).toBe('hf');
  });
});

describe('checkpoint problems are named', () => {
  it('a missing tensor, with the shape expected', async () => {
    const { parseSafetensors, toFloat32, writeSafetensors } = await import('../../weights/safetensors.ts');
    const parsed = parseSafetensors(weightsFile('tiny/weights.orig.safetensors'));
    const kept = [...parsed.tensors].filter(([n]) => n !== 'blocks.1.attn.qkv.weight').map(([name, t]) => ({ name, shape: t.shape, values: toFloat32(t) }));
    expect(() => loadDinoV2([writeSafetensors(kept, 'F32')])).toThrow('missing blocks.1.attn.qkv.weight [576,192]');
  });
  it('a truncated file', () => {
    const w = weightsFile('tiny/weights.orig.safetensors');
    expect(() => loadDinoV2([w.subarray(0, w.length - 1000)])).toThrow(/truncated/);
  });
  it('a file that is not safetensors', () => {
    expect(() => loadDinoV2([new TextEncoder().encode('{"hello": "world"}')])).toThrow(/not a safetensors file/);
  });
});
