import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { useNodeBackend } from '../../../cli/tfNode.ts';
import { loadDinoV2 } from './load.ts';
import { randomCheckpoint } from './random.ts';

beforeAll(() => useNodeBackend('wasm'));

it('leaks no tensors and keeps memory flat over 1,000 slices', async () => {
  const model = loadDinoV2([randomCheckpoint('tiny', { seed: 3 })]);
  const pixels = tf.randomNormal([1, 3, 56, 42]) as tf.Tensor4D;
  const run = async () => {
    const out = model.forward(pixels, { intermediateLayers: 2 });
    await out.patches.data();
    tf.dispose([out.cls, out.registers, out.patches, out.prenorm, ...out.intermediates.flatMap((l) => [l.cls, l.patches])]);
  };
  await run(); // the first slice caches the interpolated position embedding
  const start = tf.memory();
  for (let i = 0; i < 1000; i++) await run();
  const end = tf.memory();
  expect(end.numTensors).toBe(start.numTensors);
  expect(end.numBytes).toBe(start.numBytes);
  pixels.dispose();
  const held = tf.memory().numTensors;
  model.dispose();
  expect(tf.memory().numTensors).toBeLessThan(held);
});
