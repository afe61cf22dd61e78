import { gzipSync } from 'fflate';
import { type Affine, affineToQform } from '../geometry/affine.ts';
import { type DatatypeCode, encodeVoxels, NIFTI_TYPES } from './datatypes.ts';
import type { NiftiHeader } from './header.ts';


const NIFTI1_XYZT_MM_SEC = 2 | 8;

/** A fresh NIfTI-1 header for a 3D grid, with the affine as both sform and qform (code 1, scanner). */
export function headerFor(dims: [number, number, number], affine: Affine, datatype: DatatypeCode, descrip = ''): NiftiHeader {
  const q = affineToQform(affine);
  return {
    version: 1,
    littleEndian: true,
    dim: [3, dims[0], dims[1], dims[2], 1, 1, 1, 1],
    datatype,
    bitpix: NIFTI_TYPES[datatype].bytes * 8,
    pixdim: [q.qfac, ...q.pixdim, 1, 1, 1, 1],
    voxOffset: 352,
    sclSlope: 1,
    sclInter: 0,
    calMin: 0,
    calMax: 0,
    qformCode: 1,
    sformCode: 1,
    quatern: q.quatern,
    qoffset: q.qoffset,
    srow: [affine.slice(0, 4), affine.slice(4, 8), affine.slice(8, 12)],
    xyztUnits: NIFTI1_XYZT_MM_SEC,
    intentCode: 0,
    descrip,
  };
}

/**
 * Encodes a 3D image as NIfTI-1 (little-endian, single file). `values` are real-world values in
 * the header's axis order; they are stored as (value - scl_inter) / scl_slope in the header's type.
 */
export function writeNifti(header: NiftiHeader, values: ArrayLike<number>, options: { gzip?: boolean } = {}): Uint8Array {
  const code = header.datatype as DatatypeCode;
  if (!(code in NIFTI_TYPES)) throw new Error(`cannot write datatype ${header.datatype}`);
  const slope = header.sclSlope !== 0 && Number.isFinite(header.sclSlope) ? header.sclSlope : 1;
  const inter = Number.isFinite(header.sclInter) ? header.sclInter : 0;
  let stored: ArrayLike<number> = values;
  if (slope !== 1 || inter !== 0) {
    const scaled = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) scaled[i] = (values[i] - inter) / slope;
    stored = scaled;
  }
  const voxels = encodeVoxels(stored, code);
  const out = new Uint8Array(352 + voxels.byteLength);
  const v = new DataView(out.buffer);
  const f32 = (o: number, x: number) => v.setFloat32(o, x, true);
  const i16 = (o: number, x: number) => v.setInt16(o, x, true);
  v.setInt32(0, 348, true);
  header.dim.forEach((d, i) => i16(40 + 2 * i, d));
  i16(68, header.intentCode);
  i16(70, code);
  i16(72, NIFTI_TYPES[code].bytes * 8);
  header.pixdim.forEach((p, i) => f32(76 + 4 * i, p));
  f32(108, 352);
  f32(112, header.sclSlope);
  f32(116, header.sclInter);
  out[123] = header.xyztUnits & 0xff;
  f32(124, header.calMax);
  f32(128, header.calMin);
  out.set(new TextEncoder().encode(header.descrip.slice(0, 79)), 148);
  i16(252, header.qformCode);
  i16(254, header.sformCode);
  header.quatern.forEach((q, i) => f32(256 + 4 * i, q));
  header.qoffset.forEach((q, i) => f32(268 + 4 * i, q));
  header.srow.forEach((row, r) => row.forEach((x, c) => f32(280 + 16 * r + 4 * c, x)));
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  out.set(voxels, 352);
  return options.gzip ? gzipSync(out, { level: 6 }) : out;
}

/** An RGBA image (NIfTI datatype 2304, 4 bytes a voxel), e.g. a PCA colour overlay; alpha 0 is transparent. */
export function writeRgbaNifti(dims: [number, number, number], affine: Affine, rgba: Uint8Array): Uint8Array {
  if (rgba.length !== dims[0] * dims[1] * dims[2] * 4) throw new Error('RGBA data does not match the grid');
  const head = writeNifti(headerFor(dims, affine, 2), new Uint8Array(0));
  const out = new Uint8Array(352 + rgba.length);
  out.set(head.subarray(0, 352));
  const v = new DataView(out.buffer);
  v.setInt16(70, 2304, true);
  v.setInt16(72, 32, true);
  out.set(rgba, 352);
  return out;
}
