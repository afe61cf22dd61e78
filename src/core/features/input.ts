/** DINOv2's [3, S, S] input for one slice of a case, through the one preprocessing path. */
import type { Modality } from '../case/roles.ts';
import type { ChannelMapping } from './channels.ts';
import { networkValue, type Normalised } from './normalise.ts';
import { extractSlice, resampleSlice, type SliceGeometry } from './slices.ts';

export type NormalisedCase = Partial<Record<Modality, Normalised>>;

/** Whether slice k holds any brain voxel of the mapped modalities. */
export function sliceHasHead(norm: NormalisedCase, mapping: ChannelMapping, g: SliceGeometry, k: number): boolean {
  for (const m of new Set(mapping)) {
    if (!m) continue;
    const brain = extractSlice(norm[m]!.brain, g, k);
    if (brain.some((b) => b > 0)) return true;
  }
  return false;
}

/**
 * Channel c carries its modality's z-scores inside the brain and black outside; an empty channel
 * carries 0, the ImageNet mean.
 */
export function sliceInput(norm: NormalisedCase, mapping: ChannelMapping, g: SliceGeometry, k: number): Float32Array {
  const S = g.size;
  const out = new Float32Array(3 * S * S);
  const cache = new Map<Modality, { z: Float32Array; brain: Float32Array }>();
  mapping.forEach((m, c) => {
    if (!m) return;
    let planes = cache.get(m);
    if (!planes) {
      const n = norm[m]!;
      planes = {
        z: resampleSlice(extractSlice(n.z, g, k), g, 0),
        brain: resampleSlice(Float32Array.from(extractSlice(n.brain, g, k)), g, 0),
      };
      cache.set(m, planes);
    }
    for (let i = 0; i < S * S; i++) out[c * S * S + i] = networkValue(planes.z[i], planes.brain[i] >= 0.5, c);
  });
  return out;
}
