/** A 4x4 voxel-to-world (mm) transform, row-major, as NIfTI's srow_x/y/z plus [0 0 0 1]. */
export type Affine = number[];

export function affineFromRows(rows: number[][]): Affine {
  return [...rows[0].slice(0, 4), ...rows[1].slice(0, 4), ...rows[2].slice(0, 4), 0, 0, 0, 1];
}

export function multiply(a: Affine, b: Affine): Affine {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c] += a[r * 4 + k] * b[k * 4 + c];
  return out;
}

export function applyAffine(a: Affine, p: [number, number, number]): [number, number, number] {
  const [x, y, z] = p;
  return [0, 1, 2].map((r) => a[r * 4] * x + a[r * 4 + 1] * y + a[r * 4 + 2] * z + a[r * 4 + 3]) as [number, number, number];
}

export function diagonalAffine(spacing: number[]): Affine {
  return [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1];
}

/** Length of each voxel axis in mm: the column norms of the 3x3 part. */
export function voxelSpacing(a: Affine): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as [number, number, number];
}

function det3(a: Affine): number {
  return (
    a[0] * (a[5] * a[10] - a[6] * a[9]) - a[1] * (a[4] * a[10] - a[6] * a[8]) + a[2] * (a[4] * a[9] - a[5] * a[8])
  );
}

/** Why an affine cannot place voxels in the world (undefined when it can): NaN or infinite entries, a zero-length or flat voxel. */
export function affineProblem(a: Affine): string | undefined {
  if (!a.slice(0, 12).every(Number.isFinite)) return 'holds NaN or infinite values';
  if (voxelSpacing(a).some((s) => !(s > 0) || !Number.isFinite(s))) return 'gives a voxel axis of length 0';
  if (!(Math.abs(det3(a)) > 0)) return 'is singular (two voxel axes point the same way)';
  return undefined;
}

/** NIfTI method 2: quaternion (b, c, d), offsets, pixdim and qfac to an affine (nifti1.h). */
export function qformToAffine(
  quatern: [number, number, number],
  qoffset: [number, number, number],
  pixdim: [number, number, number],
  qfac: number,
): Affine {
  const [b, c, d] = quatern;
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const R = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const zooms = [pixdim[0], pixdim[1], pixdim[2] * (qfac < 0 ? -1 : 1)];
  const rows = R.map((row, r) => [row[0] * zooms[0], row[1] * zooms[1], row[2] * zooms[2], qoffset[r]]);
  return affineFromRows(rows);
}

/**
 * The inverse of qformToAffine for affines made of rotation, zoom and translation only (what the
 * studio writes). Shears cannot be expressed in a qform; the sform keeps them exactly.
 */
export function affineToQform(aff: Affine): {
  quatern: [number, number, number];
  qoffset: [number, number, number];
  pixdim: [number, number, number];
  qfac: number;
} {
  const zooms = voxelSpacing(aff);
  const qfac = det3(aff) < 0 ? -1 : 1;
  const R = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (aff[r * 4 + c] / zooms[c]) * (c === 2 ? qfac : 1)));
  // Shepperd's method, the branch nifti1_io.c takes, keeping a >= 0.
  const trace = R[0][0] + R[1][1] + R[2][2];
  let a: number, b: number, c: number, d: number;
  if (trace > -0.5) {
    a = 0.5 * Math.sqrt(1 + trace);
    b = (R[2][1] - R[1][2]) / (4 * a);
    c = (R[0][2] - R[2][0]) / (4 * a);
    d = (R[1][0] - R[0][1]) / (4 * a);
  } else if (R[0][0] > R[1][1] && R[0][0] > R[2][2]) {
    b = 0.5 * Math.sqrt(1 + R[0][0] - R[1][1] - R[2][2]);
    c = (R[0][1] + R[1][0]) / (4 * b);
    d = (R[0][2] + R[2][0]) / (4 * b);
    a = (R[2][1] - R[1][2]) / (4 * b);
  } else if (R[1][1] > R[2][2]) {
    c = 0.5 * Math.sqrt(1 - R[0][0] + R[1][1] - R[2][2]);
    b = (R[0][1] + R[1][0]) / (4 * c);
    d = (R[1][2] + R[2][1]) / (4 * c);
    a = (R[0][2] - R[2][0]) / (4 * c);
  } else {
    d = 0.5 * Math.sqrt(1 - R[0][0] - R[1][1] + R[2][2]);
    b = (R[0][2] + R[2][0]) / (4 * d);
    c = (R[1][2] + R[2][1]) / (4 * d);
    a = (R[1][0] - R[0][1]) / (4 * d);
  }
  if (a < 0) [b, c, d] = [-b, -c, -d];
  return { quatern: [b, c, d], qoffset: [aff[3], aff[7], aff[11]], pixdim: zooms, qfac };
}

/** Largest absolute difference between two affines, element by element. */
export function affineDistance(a: Affine, b: Affine): number {
  let m = 0;
  for (let i = 0; i < 12; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The inverse of an affine (world to voxel), by cofactors of its 3x3 part. */
export function invertAffine(a: Affine): Affine {
  const d = det3(a);
  if (!(Math.abs(d) > 0)) throw new Error('the voxel-to-world transform is singular');
  const [m00, m01, m02, , m10, m11, m12, , m20, m21, m22] = a;
  const r = [
    [m11 * m22 - m12 * m21, m02 * m21 - m01 * m22, m01 * m12 - m02 * m11],
    [m12 * m20 - m10 * m22, m00 * m22 - m02 * m20, m02 * m10 - m00 * m12],
    [m10 * m21 - m11 * m20, m01 * m20 - m00 * m21, m00 * m11 - m01 * m10],
  ].map((row) => row.map((v) => v / d));
  const t = [a[3], a[7], a[11]];
  return affineFromRows(r.map((row) => [...row, -(row[0] * t[0] + row[1] * t[1] + row[2] * t[2])]));
}
