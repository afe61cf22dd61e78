/**
 * What a clinician reads off a segmentation: each region's volume in millilitres, and the RANO
 * bidimensional product (the longest diameter on the axial slice where the region is widest,
 * times the longest diameter perpendicular to it; Wen et al., JCO 2010), in mm on the case's
 * real, anisotropic spacing. Diameters run edge to edge: between the outer edges of the voxels,
 * as calipers on a screen do.
 */
import type { Dims3 } from '../geometry/orientation.ts';
import { connectedComponents } from '../postprocess/postprocess.ts';
import { type Region, type RegionDefinition, REGIONS, regionMask } from './regions.ts';

export interface RanoDiameters {
  /** Axial slice (z index) measured on. */
  slice: number;
  longestMm: number;
  perpendicularMm: number;
  productMm2: number;
}

export function volumeMl(mask: Uint8Array, spacing: Dims3): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return (n * spacing[0] * spacing[1] * spacing[2]) / 1000;
}

/** Points on the outer hull of pixel squares (Andrew's monotone chain over the pixels' corners). */
function hull(points: [number, number][]): [number, number][] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: [number, number][] = [];
  for (const q of p.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** The longest diameter of one axial slice's pixels (mm) and its direction, and the longest chord perpendicular to it. */
function sliceDiameters(pixels: [number, number][], sx: number, sy: number): { longest: number; perpendicular: number } {
  // Each pixel as its four corners in mm: the diameter runs edge to edge.
  const corners: [number, number][] = [];
  for (const [x, y] of pixels) for (const [dx, dy] of [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]]) corners.push([(x + dx) * sx, (y + dy) * sy]);
  const h = hull(corners);
  let longest = 0;
  let dir: [number, number] = [1, 0];
  for (let i = 0; i < h.length; i++)
    for (let j = i + 1; j < h.length; j++) {
      const d = Math.hypot(h[i][0] - h[j][0], h[i][1] - h[j][1]);
      if (d > longest) [longest, dir] = [d, [(h[j][0] - h[i][0]) / d, (h[j][1] - h[i][1]) / d]];
    }
  // The perpendicular chord: pixels binned by their position along the long axis (one bin a pixel
  // wide); within a bin, the extent across it, edge to edge.
  const across: [number, number] = [-dir[1], dir[0]];
  const bin = Math.min(sx, sy);
  const spans = new Map<number, [number, number]>();
  for (const [x, y] of pixels) {
    const [px, py] = [x * sx, y * sy];
    const t = Math.round((px * dir[0] + py * dir[1]) / bin);
    const c = px * across[0] + py * across[1];
    const s = spans.get(t);
    if (!s) spans.set(t, [c, c]);
    else [s[0], s[1]] = [Math.min(s[0], c), Math.max(s[1], c)];
  }
  // A pixel's own extent across the axis: its footprint projected onto that direction.
  const footprint = Math.abs(across[0]) * sx + Math.abs(across[1]) * sy;
  let perpendicular = 0;
  for (const [lo, hi] of spans.values()) perpendicular = Math.max(perpendicular, hi - lo + footprint);
  return { longest, perpendicular };
}

/**
 * RANO's bidimensional measurement of a region: its largest connected component, on the axial
 * slice where its longest diameter is greatest (ties: the larger perpendicular). Null when the
 * region is empty.
 */
export function ranoDiameters(mask: Uint8Array, dims: Dims3, spacing: Dims3): RanoDiameters | null {
  const { labels, sizes } = connectedComponents(mask, dims);
  if (sizes.length < 2) return null;
  let largest = 1;
  for (let id = 2; id < sizes.length; id++) if (sizes[id] > sizes[largest]) largest = id;
  const [nx, ny, nz] = dims;
  let best: RanoDiameters | null = null;
  for (let z = 0; z < nz; z++) {
    const pixels: [number, number][] = [];
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) if (labels[x + nx * (y + ny * z)] === largest) pixels.push([x, y]);
    if (!pixels.length) continue;
    const d = sliceDiameters(pixels, spacing[0], spacing[1]);
    if (!best || d.longest > best.longestMm + 1e-9 || (Math.abs(d.longest - best.longestMm) <= 1e-9 && d.perpendicular > best.perpendicularMm)) {
      best = { slice: z, longestMm: d.longest, perpendicularMm: d.perpendicular, productMm2: d.longest * d.perpendicular };
    }
  }
  return best;
}

export interface RegionReadout {
  region: Region;
  volumeMl: number;
  rano: RanoDiameters | null;
}

/** The read-out of a label volume in the studio's labels: each region's volume and RANO diameters (the BraTS regions, or the lesion of a one-label task). */
export function regionReadout(labels: ArrayLike<number>, dims: Dims3, spacing: Dims3, regions: RegionDefinition[] = REGIONS): RegionReadout[] {
  return regions.map((r) => {
    const mask = regionMask(labels, r.id);
    return { region: r.id, volumeMl: volumeMl(mask, spacing), rano: ranoDiameters(mask, dims, spacing) };
  });
}

/** x to d decimals, as the read-out's JSON gives its numbers. */
export const rounded = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** The read-out as the CLI's JSON gives it: per region, mL to 3 decimals, diameters to 0.1 mm. */
export function readoutJson(readout: RegionReadout[]) {
  return Object.fromEntries(
    readout.map(({ region, volumeMl: ml, rano }) => [
      region,
      { volumeMl: rounded(ml, 3), rano: rano && { slice: rano.slice, longestMm: rounded(rano.longestMm, 1), perpendicularMm: rounded(rano.perpendicularMm, 1), productMm2: rounded(rano.productMm2, 1) } },
    ]),
  );
}
