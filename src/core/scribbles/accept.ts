/**
 * Accepting a prediction into a label map: the whole volume, or only one slice of it, so a user
 * can keep the slices the head got right and correct the rest. The label map is a new array.
 */
import { type SliceGeometry, voxelIndex } from '../features/slices.ts';

export function acceptPrediction(labelMap: Uint8Array | null, prediction: Uint8Array, scope: { g: SliceGeometry; slice: number } | 'volume'): Uint8Array {
  if (labelMap && labelMap.length !== prediction.length) throw new Error(`the label map has ${labelMap.length} voxels and the prediction ${prediction.length}`);
  if (scope === 'volume') return prediction.slice();
  const out = labelMap ? labelMap.slice() : new Uint8Array(prediction.length);
  const { g, slice } = scope;
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      const i = voxelIndex(g, slice, r, c);
      out[i] = prediction[i];
    }
  }
  return out;
}
