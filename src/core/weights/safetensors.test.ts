import { describe, expect, it } from 'vitest';
import { parseSafetensors, toFloat32, WeightsError, writeSafetensors } from './safetensors.ts';

/** A safetensors file from a header written by hand, with `data` after it. */
function file(header: unknown, data = new Uint8Array(8)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('parseSafetensors', () => {
  it('reads what writeSafetensors wrote (F32 exactly, F16 to its precision)', () => {
    const values = Float32Array.from([1, -2.5, 0.1, 65504]);
    const f32 = parseSafetensors(writeSafetensors([{ name: 'w', shape: [2, 2], values }], 'F32', { note: 'x' }));
    expect(f32.metadata).toEqual({ note: 'x' });
    expect(f32.tensors.get('w')!.shape).toEqual([2, 2]);
    expect([...toFloat32(f32.tensors.get('w')!)]).toEqual([...values]);
    const f16 = toFloat32(parseSafetensors(writeSafetensors([{ name: 'w', shape: [4], values }], 'F16')).tensors.get('w')!);
    expect([...f16]).toEqual([1, -2.5, 0.0999755859375, 65504]); // 0.1 is 0x2E66 in half precision
  });

  // Each found by the fuzz (test/fuzz): they crashed with a TypeError or read outside the tensor.
  it.each([
    ['a header that is not an object', [1, 2], 'its header is not a JSON object'],
    ['a header of null', null, 'its header is not a JSON object'],
    ['a tensor entry that is not an object', { w: 5 }, 'tensor w has no dtype, shape and data_offsets'],
    ['a dtype that is an object', { w: { dtype: { toString: 1 }, shape: [2], data_offsets: [0, 8] } }, 'tensor w has dtype {"toString":1}'],
    ['a dtype named after an Object method', { w: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }, 'tensor w has dtype "toString"'],
    ['a shape that is not a list', { w: { dtype: 'F32', shape: 'abc', data_offsets: [0, 8] } }, 'tensor w has shape "abc", not a list of sizes'],
    ['a negative size', { w: { dtype: 'F32', shape: [-2, -1], data_offsets: [0, 8] } }, 'tensor w has shape [-2,-1]'],
    ['negative offsets', { w: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, 'tensor w has data_offsets [-8,0]'],
    ['offsets in the wrong order', { w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, 'tensor w has data_offsets [8,0]'],
    ['metadata that is not an object', { __metadata__: 'x' }, '__metadata__ is not an object'],
  ])('%s is refused by name', (_what, header, message) => {
    expect(() => parseSafetensors(file(header))).toThrow(WeightsError);
    expect(() => parseSafetensors(file(header))).toThrow(message);
  });

  it('keeps only the string values of the metadata', () => {
    expect(parseSafetensors(file({ __metadata__: { a: 'b', n: 3 } })).metadata).toEqual({ a: 'b' });
  });
});

describe('a checkpoint of another model', () => {
  it('a CLIP vision tower is named as not DINOv2, with the tensors it holds', async () => {
    const { readDinoV2 } = await import('../models/dinov2/load.ts');
    const clip = writeSafetensors(
      ['vision_model.embeddings.class_embedding', 'vision_model.embeddings.patch_embedding.weight', 'vision_model.encoder.layers.0.mlp.fc1.weight', 'vision_model.post_layernorm.weight'].map((name) => ({ name, shape: [2], values: new Float32Array(2) })),
      'F32',
    );
    expect(() => readDinoV2([clip])).toThrow(
      'this is not a DINOv2 checkpoint: none of its 4 tensors (vision_model.embeddings.class_embedding, vision_model.embeddings.patch_embedding.weight, vision_model.encoder.layers.0.mlp.fc1.weight, …) belongs to a DINOv2 backbone',
    );
  });
});
