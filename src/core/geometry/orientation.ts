import { type Affine, multiply } from './affine.ts';

export type Dims3 = [number, number, number];

/**
 * How a stored voxel grid maps onto the canonical RAS+ grid: canonical axis i (0 = towards Right,
 * 1 = Anterior, 2 = Superior) is stored axis `axis[i]`, read backwards when `flip[i]`.
 */
export interface Reorientation {
  axis: Dims3;
  flip: [boolean, boolean, boolean];
  /** The stored grid's dims. */
  storedDims: Dims3;
}

/** Nearest axis permutation and flips, like nibabel's io_orientation for near-axis-aligned affines. */
export function canonicalReorientation(affine: Affine, storedDims: Dims3): Reorientation {
  const used = { world: new Set<number>(), voxel: new Set<number>() };
  const axis: Dims3 = [0, 1, 2];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  for (let step = 0; step < 3; step++) {
    let best = { w: -1, v: -1, mag: -1 };
    for (let w = 0; w < 3; w++) {
      if (used.world.has(w)) continue;
      for (let v = 0; v < 3; v++) {
        if (used.voxel.has(v)) continue;
        const mag = Math.abs(affine[w * 4 + v]);
        if (mag > best.mag) best = { w, v, mag };
      }
    }
    used.world.add(best.w);
    used.voxel.add(best.v);
    axis[best.w] = best.v;
    flip[best.w] = affine[best.w * 4 + best.v] < 0;
  }
  return { axis, flip, storedDims };
}

export function isIdentityReorientation(r: Reorientation): boolean {
  return r.axis.every((a, i) => a === i) && r.flip.every((f) => !f);
}

export function canonicalDims(r: Reorientation): Dims3 {
  return [r.storedDims[r.axis[0]], r.storedDims[r.axis[1]], r.storedDims[r.axis[2]]];
}

/** The affine of the canonical grid: stored affine composed with canonical-to-stored voxel map. */
export function canonicalAffine(stored: Affine, r: Reorientation): Affine {
  const T = new Array<number>(16).fill(0);
  T[15] = 1;
  for (let i = 0; i < 3; i++) {
    const j = r.axis[i];
    T[j * 4 + i] = r.flip[i] ? -1 : 1;
    T[j * 4 + 3] = r.flip[i] ? r.storedDims[j] - 1 : 0;
  }
  return multiply(stored, T);
}

/** Calls visit(canonicalIndex, storedIndex) for every voxel, canonical order (x fastest). */
function forEachVoxel(r: Reorientation, visit: (canonical: number, stored: number) => void): void {
  const d = r.storedDims;
  const strides = [1, d[0], d[0] * d[1]];
  const base = r.axis.reduce((acc, a, i) => acc + (r.flip[i] ? (d[a] - 1) * strides[a] : 0), 0);
  const [sx, sy, sz] = r.axis.map((a, i) => (r.flip[i] ? -strides[a] : strides[a]));
  const [nx, ny, nz] = canonicalDims(r);
  let o = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let s = base + y * sy + z * sz;
      for (let x = 0; x < nx; x++, s += sx) visit(o++, s);
    }
  }
}

export function toCanonical<T extends Float32Array | Uint8Array>(stored: T, r: Reorientation): T {
  if (isIdentityReorientation(r)) return stored;
  const out = new (stored.constructor as new (n: number) => T)(stored.length);
  forEachVoxel(r, (c, s) => (out[c] = stored[s]));
  return out;
}

export function fromCanonical<T extends Float32Array | Uint8Array>(canonical: T, r: Reorientation): T {
  if (isIdentityReorientation(r)) return canonical;
  const out = new (canonical.constructor as new (n: number) => T)(canonical.length);
  forEachVoxel(r, (c, s) => (out[s] = canonical[c]));
  return out;
}

/**
 * The stored grid's axis codes as radiologists and nibabel write them ("LPS": voxel x grows
 * towards the patient's left, y posterior, z superior), from the nearest canonical axes.
 */
export function orientationCode(r: Reorientation): string {
  const letters = [['R', 'L'], ['A', 'P'], ['S', 'I']];
  return [0, 1, 2].map((stored) => {
    const canonical = r.axis.indexOf(stored);
    return letters[canonical][r.flip[canonical] ? 1 : 0];
  }).join('');
}
