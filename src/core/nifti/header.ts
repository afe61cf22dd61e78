/**
 * NIfTI-1 and NIfTI-2 headers, parsed by hand: nifti-reader-js prefers the qform over the
 * sform whenever qform_code > sform_code and never reads a NIfTI-2 qform, while every tool the
 * field compares against (nibabel, ITK-SNAP, FSL) takes the sform first. Offsets follow
 * nifti1.h / nifti2.h.
 */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7]: dim[0] is the number of dimensions. */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0..7]: pixdim[0] is qfac. */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z. */
  srow: [number[], number[], number[]];
  xyztUnits: number;
  intentCode: number;
  descrip: string;
}

export class NiftiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NiftiError';
  }
}

const N1_SIZE = 348;
const N2_SIZE = 540;

export function headerSize(version: 1 | 2): number {
  return version === 1 ? N1_SIZE : N2_SIZE;
}

/** Detects NIfTI-1 or NIfTI-2 and the byte order from sizeof_hdr; throws a NiftiError otherwise. */
export function parseHeader(bytes: Uint8Array): NiftiHeader {
  if (bytes.byteLength < 4) throw new NiftiError('file is too short to be NIfTI');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizeLE = view.getInt32(0, true);
  const sizeBE = view.getInt32(0, false);
  let version: 1 | 2;
  let little: boolean;
  if (sizeLE === N1_SIZE || sizeBE === N1_SIZE) [version, little] = [1, sizeLE === N1_SIZE];
  else if (sizeLE === N2_SIZE || sizeBE === N2_SIZE) [version, little] = [2, sizeLE === N2_SIZE];
  else throw new NiftiError('not a NIfTI file (sizeof_hdr is neither 348 nor 540)');
  if (bytes.byteLength < headerSize(version)) throw new NiftiError('file ends inside the NIfTI header (truncated)');
  return version === 1 ? parseN1(bytes, view, little) : parseN2(bytes, view, little);
}

function text(bytes: Uint8Array, start: number, length: number): string {
  const slice = bytes.subarray(start, start + length);
  const end = slice.indexOf(0);
  return new TextDecoder('latin1').decode(end < 0 ? slice : slice.subarray(0, end)).trim();
}

function parseN1(bytes: Uint8Array, v: DataView, le: boolean): NiftiHeader {
  const magic = text(bytes, 344, 4);
  if (magic !== 'n+1' && magic !== 'ni1') throw new NiftiError(`not a NIfTI-1 file (magic "${magic}")`);
  if (magic === 'ni1') throw new NiftiError('header/image pairs (.hdr/.img) are not supported; convert to .nii or .nii.gz');
  const f32 = (o: number) => v.getFloat32(o, le);
  const i16 = (o: number) => v.getInt16(o, le);
  const row = (o: number) => [f32(o), f32(o + 4), f32(o + 8), f32(o + 12)];
  return {
    version: 1,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i)),
    datatype: i16(70),
    bitpix: i16(72),
    pixdim: Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i)),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    calMax: f32(124),
    calMin: f32(128),
    xyztUnits: bytes[123],
    intentCode: i16(68),
    descrip: text(bytes, 148, 80),
    qformCode: i16(252),
    sformCode: i16(254),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: [row(280), row(296), row(312)],
  };
}

function parseN2(bytes: Uint8Array, v: DataView, le: boolean): NiftiHeader {
  const magic = text(bytes, 4, 8);
  if (!magic.startsWith('n+2')) throw new NiftiError(`not a NIfTI-2 file (magic "${magic}")`);
  const f64 = (o: number) => v.getFloat64(o, le);
  const i64 = (o: number) => Number(v.getBigInt64(o, le));
  const i32 = (o: number) => v.getInt32(o, le);
  const row = (o: number) => [f64(o), f64(o + 8), f64(o + 16), f64(o + 24)];
  return {
    version: 2,
    littleEndian: le,
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    datatype: v.getInt16(12, le),
    bitpix: v.getInt16(14, le),
    pixdim: Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    descrip: text(bytes, 240, 80),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [row(400), row(432), row(464)],
    xyztUnits: i32(500),
    intentCode: i32(504),
  };
}
