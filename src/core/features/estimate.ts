/**
 * What extracting a case's patch features will cost, per plane, before the user starts it:
 * slices that hold brain along each plane's normal times the backbone's measured seconds a slice.
 * Tri-planar heads triple the work, and a sagittal stack of a 240 x 240 x 155 case is 240 slices,
 * not 155, so the number is worth seeing first.
 */
import type { Dims3 } from '../geometry/orientation.ts';
import type { Embed } from './extract.ts';
import { normalAxis, type Plane, PLANES } from './slices.ts';

export interface PlaneEstimate {
  plane: Plane;
  /** Slices with brain, the ones extraction embeds. */
  slices: number;
  seconds: number;
}

/** Per plane, slices along its normal that hold any brain voxel. */
export function slicesWithBrain(brain: Uint8Array, dims: Dims3): Record<Plane, number> {
  const [nx, ny, nz] = dims;
  const seen = [new Uint8Array(nx), new Uint8Array(ny), new Uint8Array(nz)];
  for (let i = 0; i < brain.length; i++) {
    if (!brain[i]) continue;
    seen[0][i % nx] = 1;
    seen[1][Math.floor(i / nx) % ny] = 1;
    seen[2][Math.floor(i / (nx * ny))] = 1;
  }
  const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  return Object.fromEntries(PLANES.map((p) => [p, count(seen[normalAxis(p)])])) as Record<Plane, number>;
}

export function extractionEstimate(brain: Uint8Array, dims: Dims3, secondsPerSlice: number, planes: Plane[] = PLANES): PlaneEstimate[] {
  const n = slicesWithBrain(brain, dims);
  return planes.map((plane) => ({ plane, slices: n[plane], seconds: n[plane] * secondsPerSlice }));
}

/** Seconds one slice takes, timed on a blank input after one warm-up call (shader and kernel set-up). */
export async function secondsPerSlice(embed: Embed, size: number, runs = 2): Promise<number> {
  const input = new Float32Array(3 * size * size);
  await embed(input, size);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await embed(input, size);
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export function describeEstimate(e: PlaneEstimate[]): string {
  const total = e.reduce((s, p) => s + p.seconds, 0);
  return `${e.map((p) => `${p.plane} ${p.slices} slices ≈ ${formatSeconds(p.seconds)}`).join(', ')}${e.length > 1 ? `; total ≈ ${formatSeconds(total)}` : ''}`;
}

function formatSeconds(s: number): string {
  return s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`;
}
