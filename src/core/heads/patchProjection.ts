/**
 * Patch features reduced to their first principal components (fitted on the training cases)
 * before a voxel head reads them. A head on a few hundred raw dims of one patient's slices learns
 * that patient; the leading components keep what varies most across the slices and leave the rest.
 */
import { pca } from '../features/pca.ts';
import type { PatchBlock } from './fineHead.ts';

export interface PatchProjection {
  mean: number[];
  /** k components of the block's dim, by decreasing variance. */
  components: number[][];
}

/** PCA of the blocks' patches over every `stride`-th slice of each training case. */
export async function fitPatchProjection(blocks: PatchBlock[], k: number, stride = 4): Promise<PatchProjection> {
  const dim = blocks[0].dim;
  const grids: Float32Array[] = [];
  for (const b of blocks) for (const [i, s] of b.slices.entries()) if (i % stride === 0) grids.push(await b.features(s));
  const n = grids.reduce((a, g) => a + g.length / dim, 0);
  const all = new Float32Array(n * dim);
  let at = 0;
  for (const g of grids) (all.set(g, at), (at += g.length));
  const p = pca(all, n, dim, Math.min(k, dim));
  return { mean: Array.from(p.mean), components: p.components.map((c) => Array.from(c)) };
}

/** The same block, its features projected on the components. */
export function projectBlock(b: PatchBlock, p: PatchProjection): PatchBlock {
  const k = p.components.length;
  const flat = Float32Array.from(p.components.flat());
  const mean = Float32Array.from(p.mean);
  return {
    ...b,
    dim: k,
    features: async (slice) => {
      const grid = await b.features(slice);
      const P = grid.length / b.dim;
      const out = new Float32Array(P * k);
      for (let q = 0; q < P; q++) {
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let d = 0; d < b.dim; d++) s += (grid[q * b.dim + d] - mean[d]) * flat[c * b.dim + d];
          out[q * k + c] = s;
        }
      }
      return out;
    },
  };
}
