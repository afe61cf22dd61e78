import { type Affine, diagonalAffine } from '../geometry/affine.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import { LABEL_ED, LABEL_ET, LABEL_NCR } from '../case/labels.ts';
import type { Modality } from '../case/roles.ts';
import { gaussian, mulberry32, uniform } from './random.ts';

/** Tissue classes of the phantom, in the order of the contrast table below. */
export const TISSUE = { background: 0, scalp: 1, skull: 2, csf: 3, grey: 4, white: 5, ventricle: 6, oedema: 7, enhancing: 8, necrosis: 9 } as const;

/**
 * Relative signal per tissue and modality, after the textbook appearance of a glioblastoma:
 * enhancing rim bright on T1gd only; oedema bright on FLAIR and T2; necrosis dark on T1gd and
 * bright on T2; CSF dark on FLAIR (suppressed) and bright on T2; on FLAIR the necrotic core and the
 * rim sit within noise of each other, which is why FLAIR alone cannot separate them.
 */
export const CONTRAST: Record<Modality, number[]> = {
  //        bg   scalp skull csf  grey white vent oedema enh  necr
  flair: [0, 0.7, 0.08, 0.12, 0.55, 0.45, 0.12, 0.92, 0.8, 0.8],
  t1: [0, 0.9, 0.08, 0.2, 0.55, 0.75, 0.2, 0.5, 0.52, 0.32],
  t1ce: [0, 0.9, 0.08, 0.2, 0.55, 0.75, 0.2, 0.5, 1.0, 0.25],
  t2: [0, 0.6, 0.08, 1.0, 0.6, 0.4, 1.0, 0.85, 0.7, 0.95],
};

export interface SyntheticOptions {
  seed: number;
  /** Default 240x240x155, BraTS's grid. Smaller grids shrink the anatomy with them. */
  dims?: Dims3;
  /** Noise standard deviation relative to white matter on T1 (default 0.03). */
  noise?: number;
}

export interface SyntheticCase {
  id: string;
  dims: Dims3;
  /** Canonical RAS+ affine, 1 mm voxels, origin at the grid centre. */
  affine: Affine;
  modalities: Record<Modality, Float32Array>;
  /** BraTS 2021 labels: 0, 1 (necrosis), 2 (oedema), 4 (enhancing). */
  labels: Uint8Array;
  /** Tissue class per voxel (see TISSUE), the phantom's ground truth. */
  tissue: Uint8Array;
  tumour: { centre: [number, number, number]; radiusMm: { necrosis: number; enhancing: number; oedema: number } };
}

const REFERENCE: Dims3 = [240, 240, 155];
const SCALE = 1000; // store intensities in a scanner-like integer range

function sineTable(n: number, freq: number, phase: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * freq + phase));
}

export function generateSyntheticCase(options: SyntheticOptions): SyntheticCase {
  const dims = options.dims ?? REFERENCE;
  const [nx, ny, nz] = dims;
  const s = Math.min(nx / REFERENCE[0], ny / REFERENCE[1], nz / REFERENCE[2]);
  const rand = mulberry32(options.seed * 2654435761);
  const randn = gaussian(rand);
  const c = [nx / 2, ny / 2, nz * 0.47];
  const head = [76 * s, 96 * s, 70 * s];

  // Cortical folding and the head's outline, from separable sine tables (cheap per voxel).
  const fold = [0, 1, 2].map((a) => sineTable(dims[a], 0.22 / Math.max(s, 0.3), rand() * 6.28));
  // Tumour: one lesion in a random hemisphere, size and shape from the seed.
  const side = rand() < 0.5 ? -1 : 1;
  const t = [c[0] + side * uniform(rand, 18, 34) * s, c[1] + uniform(rand, -30, 30) * s, c[2] + uniform(rand, 0, 22) * s];
  const ret = uniform(rand, 11, 19) * s;
  const rnc = ret * uniform(rand, 0.45, 0.68);
  const red = ret + uniform(rand, 8, 18) * s;
  const aniso = [uniform(rand, 0.8, 1.2), uniform(rand, 0.8, 1.2), uniform(rand, 0.8, 1.2)];
  const lobes = [0, 1, 2, 3].map(() => uniform(rand, -1, 1));

  const n = nx * ny * nz;
  const tissue = new Uint8Array(n);
  const labels = new Uint8Array(n);
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const dx = (x - c[0]) / head[0];
        const dy = (y - c[1]) / head[1];
        const dz = (z - c[2]) / head[2];
        const rho = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (rho >= 1) continue;
        const f = fold[0][x] * fold[1][y] * fold[2][z];
        let k: number;
        if (rho > 0.94) k = TISSUE.scalp;
        else if (rho > 0.885) k = TISSUE.skull;
        else if (rho > 0.855 + 0.015 * f) k = TISSUE.csf;
        else if (rho > 0.76 + 0.045 * f) k = TISSUE.grey;
        else k = TISSUE.white;
        const vx = (Math.abs(x - c[0]) - 9 * s) / (5 * s);
        const vy = (y - c[1] - 6 * s) / (24 * s);
        const vz = (z - c[2] - 8 * s) / (11 * s);
        if (vx * vx + vy * vy + vz * vz < 1) k = TISSUE.ventricle;
        if (k === TISSUE.grey || k === TISSUE.white || k === TISSUE.ventricle) {
          const ax = (x - t[0]) / aniso[0];
          const ay = (y - t[1]) / aniso[1];
          const az = (z - t[2]) / aniso[2];
          const r = Math.sqrt(ax * ax + ay * ay + az * az) + 1e-6;
          const ux = ax / r, uy = ay / r, uz = az / r;
          const shape = 1 + 0.16 * (lobes[0] * ux * uy + lobes[1] * uy * uz + lobes[2] * (ux * ux - uz * uz) + lobes[3] * ux);
          const d = r / shape;
          if (d < rnc) [k, labels[i]] = [TISSUE.necrosis, LABEL_NCR];
          else if (d < ret) [k, labels[i]] = [TISSUE.enhancing, LABEL_ET];
          else if (d < red && k !== TISSUE.ventricle) [k, labels[i]] = [TISSUE.oedema, LABEL_ED];
        }
        tissue[i] = k;
      }
    }
  }

  const sigma = options.noise ?? 0.03;
  const modalities = {} as Record<Modality, Float32Array>;
  for (const m of Object.keys(CONTRAST) as Modality[]) {
    const table = CONTRAST[m];
    // A smooth multiplicative bias field, different for each sequence as on a real scanner.
    const bias = [0, 1, 2].map((a) => sineTable(dims[a], (Math.PI / dims[a]) * uniform(rand, 0.6, 1.4), rand() * 6.28));
    const amp = uniform(rand, 0.06, 0.12);
    const out = new Float32Array(n);
    let j = 0;
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++, j++) {
          const k = tissue[j];
          if (k === TISSUE.background) continue;
          const b = 1 + amp * (bias[0][x] + bias[1][y] + bias[2][z]) / 3;
          out[j] = Math.max(0, Math.round((table[k] * b + sigma * randn()) * SCALE));
        }
      }
    }
    modalities[m] = out;
  }

  const affine = diagonalAffine([1, 1, 1]);
  affine[3] = -(nx - 1) / 2;
  affine[7] = -(ny - 1) / 2;
  affine[11] = -(nz - 1) / 2;
  return {
    id: `synthetic-${options.seed}`,
    dims,
    affine,
    modalities,
    labels,
    tissue,
    tumour: { centre: t as [number, number, number], radiusMm: { necrosis: rnc, enhancing: ret, oedema: red } },
  };
}
