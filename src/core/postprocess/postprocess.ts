/**
 * Clean-up of a predicted label volume in 3D, each step switchable so its effect can be measured:
 *  - components: drop whole-tumour components much smaller than the largest (speckles of false
 *    positives far from the lesion cost Dice little and HD95 a lot);
 *  - holes: fill background enclosed by the tumour core (necrosis inside an enhancing ring) or by
 *    the whole tumour, slice by slice in each axial plane.
 * The region hierarchy (ET inside TC inside WT) is applied where labels are made from the head's
 * outputs (heads/fineHead.ts labelsFromProbabilities).
 */
import { LABEL_ED, LABEL_NCR } from '../case/labels.ts';
import type { Dims3 } from '../geometry/orientation.ts';

export interface PostprocessSettings {
  hierarchy: boolean;
  components: boolean;
  holes: boolean;
}

export const NO_POSTPROCESS: PostprocessSettings = { hierarchy: false, components: false, holes: false };

/** A component is kept when it has at least this fraction of the largest one's voxels. */
export const COMPONENT_FRACTION = 0.1;

/** 26-connected components of a mask: label per voxel (0 outside, 1..n) and the sizes (index 0 unused). */
export function connectedComponents(mask: Uint8Array, dims: Dims3): { labels: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = dims;
  const labels = new Int32Array(mask.length);
  const sizes = [0];
  const stack = new Int32Array(mask.length);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const id = sizes.length;
    let top = 0;
    let size = 0;
    stack[top++] = start;
    labels[start] = id;
    while (top > 0) {
      const i = stack[--top];
      size++;
      const x = i % nx;
      const y = Math.floor(i / nx) % ny;
      const z = Math.floor(i / (nx * ny));
      for (let dz = -1; dz <= 1; dz++) {
        const zz = z + dz;
        if (zz < 0 || zz >= nz) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= ny) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= nx) continue;
            const j = xx + nx * (yy + ny * zz);
            if (mask[j] && !labels[j]) {
              labels[j] = id;
              stack[top++] = j;
            }
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Tumour components (any label > 0) smaller than `fraction` of the largest become background. */
export function removeSmallComponents(labels: Uint8Array, dims: Dims3, fraction = COMPONENT_FRACTION): Uint8Array {
  const tumour = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) tumour[i] = labels[i] > 0 ? 1 : 0;
  const { labels: comp, sizes } = connectedComponents(tumour, dims);
  const largest = Math.max(0, ...sizes);
  const out = Uint8Array.from(labels);
  for (let i = 0; i < out.length; i++) if (comp[i] && sizes[comp[i]] < fraction * largest) out[i] = 0;
  return out;
}

/**
 * In each axial slice (z), background not 4-connected to the slice's border through pixels
 * outside `inside` is a hole; it becomes `fill` where it is background, or any label not in
 * `inside` (oedema enclosed by the core becomes core).
 */
function fillSliceHoles(labels: Uint8Array, dims: Dims3, inside: (l: number) => boolean, fill: number): void {
  const [nx, ny, nz] = dims;
  const reached = new Uint8Array(nx * ny);
  const stack = new Int32Array(nx * ny);
  for (let z = 0; z < nz; z++) {
    const o = z * nx * ny;
    let any = false;
    for (let i = 0; i < nx * ny && !any; i++) any = inside(labels[o + i]);
    if (!any) continue;
    reached.fill(0);
    let top = 0;
    const push = (i: number) => {
      if (!reached[i] && !inside(labels[o + i])) {
        reached[i] = 1;
        stack[top++] = i;
      }
    };
    for (let x = 0; x < nx; x++) (push(x), push(x + nx * (ny - 1)));
    for (let y = 0; y < ny; y++) (push(nx * y), push(nx - 1 + nx * y));
    while (top > 0) {
      const i = stack[--top];
      const x = i % nx;
      const y = (i - x) / nx;
      if (x > 0) push(i - 1);
      if (x < nx - 1) push(i + 1);
      if (y > 0) push(i - nx);
      if (y < ny - 1) push(i + nx);
    }
    for (let i = 0; i < nx * ny; i++) if (!reached[i] && !inside(labels[o + i])) labels[o + i] = fill;
  }
}

/** Holes in the tumour core become necrosis (core); holes in the whole tumour become oedema. */
export function fillHoles(labels: Uint8Array, dims: Dims3): Uint8Array {
  const out = Uint8Array.from(labels);
  fillSliceHoles(out, dims, (l) => l === LABEL_NCR || l === 4, LABEL_NCR);
  fillSliceHoles(out, dims, (l) => l > 0, LABEL_ED);
  return out;
}

/** The switchable 3-D steps in order: components first, so holes of dropped speckles are not filled. */
export function postprocess(labels: Uint8Array, dims: Dims3, s: PostprocessSettings): Uint8Array {
  let out = labels;
  if (s.components) out = removeSmallComponents(out, dims);
  if (s.holes) out = fillHoles(out, dims);
  return out;
}
