/**
 * Bilinear resizing of channel-last grids with half-pixel centres (tf.image.resizeBilinear with
 * halfPixelCenters, torch's align_corners=False): patch p's centre lands on pixel 14p + 7.
 * `downsampleGradient` is its exact transpose, which carries a loss gradient from pixels back to
 * the patch grid.
 */

interface Taps {
  lower: Int32Array;
  upper: Int32Array;
  lerp: Float32Array;
}

const tapsCache = new Map<string, Taps>();

/** Source taps of each output position, as TensorFlow computes them (lerp from the unclamped floor). */
function taps(inSize: number, outSize: number): Taps {
  const key = `${inSize}>${outSize}`;
  let t = tapsCache.get(key);
  if (t) return t;
  const scale = inSize / outSize;
  t = { lower: new Int32Array(outSize), upper: new Int32Array(outSize), lerp: new Float32Array(outSize) };
  for (let o = 0; o < outSize; o++) {
    const x = (o + 0.5) * scale - 0.5;
    const f = Math.floor(x);
    t.lower[o] = Math.max(f, 0);
    t.upper[o] = Math.min(Math.ceil(x), inSize - 1);
    t.lerp[o] = x - f;
  }
  tapsCache.set(key, t);
  return t;
}

/** grid [g, g, C] -> out [S, S, C] (written into `out` when given). */
export function upsampleBilinear(grid: Float32Array, g: number, S: number, C: number, out: Float32Array = new Float32Array(S * S * C)): Float32Array {
  const { lower, upper, lerp } = taps(g, S);
  // Rows first (g rows of S columns), then columns: separable, O(S * S * C).
  const rows = new Float32Array(g * S * C);
  for (let r = 0; r < g; r++) {
    for (let x = 0; x < S; x++) {
      const a = (r * g + lower[x]) * C;
      const b = (r * g + upper[x]) * C;
      const w = lerp[x];
      const o = (r * S + x) * C;
      for (let c = 0; c < C; c++) rows[o + c] = grid[a + c] + (grid[b + c] - grid[a + c]) * w;
    }
  }
  for (let y = 0; y < S; y++) {
    const a = lower[y] * S * C;
    const b = upper[y] * S * C;
    const w = lerp[y];
    const o = y * S * C;
    for (let i = 0; i < S * C; i++) out[o + i] = rows[a + i] + (rows[b + i] - rows[a + i]) * w;
  }
  return out;
}

/** The transpose of upsampleBilinear: pixels [S, S, C] -> grid [g, g, C], added into `out`. */
export function downsampleGradient(pixels: Float32Array, g: number, S: number, C: number, out: Float32Array = new Float32Array(g * g * C)): Float32Array {
  const { lower, upper, lerp } = taps(g, S);
  const rows = new Float32Array(g * S * C);
  for (let y = 0; y < S; y++) {
    const a = lower[y] * S * C;
    const b = upper[y] * S * C;
    const w = lerp[y];
    const o = y * S * C;
    for (let i = 0; i < S * C; i++) {
      const v = pixels[o + i];
      rows[a + i] += v * (1 - w);
      rows[b + i] += v * w;
    }
  }
  for (let r = 0; r < g; r++) {
    for (let x = 0; x < S; x++) {
      const a = (r * g + lower[x]) * C;
      const b = (r * g + upper[x]) * C;
      const w = lerp[x];
      const o = (r * S + x) * C;
      for (let c = 0; c < C; c++) {
        const v = rows[o + c];
        out[a + c] += v * (1 - w);
        out[b + c] += v * w;
      }
    }
  }
  return out;
}

/**
 * One pixel of upsampleBilinear(grid) without the rest: the same taps, so a head's logits at a
 * sampled pixel equal its logits there after upsampling. Written into `out` ([C]).
 */
export function sampleBilinear(grid: Float32Array, g: number, S: number, C: number, y: number, x: number, out: Float32Array): Float32Array {
  const { lower, upper, lerp } = taps(g, S);
  const [wy, wx] = [lerp[y], lerp[x]];
  // Four corners written out: an array of corners per call costs a GC'd allocation per voxel.
  const a = (lower[y] * g + lower[x]) * C;
  const b = (lower[y] * g + upper[x]) * C;
  const c = (upper[y] * g + lower[x]) * C;
  const d = (upper[y] * g + upper[x]) * C;
  const [wa, wb, wc, wd] = [(1 - wy) * (1 - wx), (1 - wy) * wx, wy * (1 - wx), wy * wx];
  for (let i = 0; i < C; i++) out[i] = grid[a + i] * wa + grid[b + i] * wb + grid[c + i] * wc + grid[d + i] * wd;
  return out;
}
