import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../src/cli/tfNode.ts';
import { setSimdKernels } from '../src/core/kernels/simdKernels.ts';
import { loadDinoV2 } from '../src/core/models/dinov2/load.ts';
import { randomCheckpoint } from '../src/core/models/dinov2/random.ts';
await useNodeBackend('wasm');
const heap = () => Math.round((tf.backend() as any).wasm.HEAPU8.buffer.byteLength / 2 ** 20);
const model = loadDinoV2([randomCheckpoint('vits14', { seed: 1 })]);
console.log('after load', heap());
for (const fused of [true, false]) {
  setSimdKernels(fused);
  for (const s of [224, 518, 518]) {
    const x = tf.randomNormal([1, 3, s, s]) as tf.Tensor4D;
    tf.tidy(() => model.forward(x).patches.dataSync());
    x.dispose();
    console.log(fused, s, 'heap MB', heap(), 'tensors', tf.memory().numTensors);
  }
}
