/** NIfTI datatype codes the studio reads and writes (nifti1.h). */
export const NIFTI_TYPES = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
  // numpy's default integer: label maps written from Python arrays often come as int64.
  1024: { name: 'int64', bytes: 8 },
  1280: { name: 'uint64', bytes: 8 },
} as const;

export type DatatypeCode = keyof typeof NIFTI_TYPES;
export type DatatypeName = (typeof NIFTI_TYPES)[DatatypeCode]['name'];

export function datatypeCodeOf(name: DatatypeName): DatatypeCode {
  for (const [code, t] of Object.entries(NIFTI_TYPES)) if (t.name === name) return Number(code) as DatatypeCode;
  throw new Error(`unknown datatype ${name}`);
}

/** Codes nifti1.h defines that the studio cannot read, named so the message says what the file holds. */
const UNREADABLE: Record<number, string> = {
  1: 'binary (1 bit a voxel)',
  32: 'complex64 (complex values)',
  128: 'RGB24 (colour values)',
  1536: 'float128',
  1792: 'complex128 (complex values)',
  2048: 'complex256 (complex values)',
  2304: 'RGBA32 (colour values)',
};

/** Why a datatype code cannot be read, in words a user can act on. */
export function unsupportedDatatypeMessage(code: number): string {
  const names = Object.values(NIFTI_TYPES).map((t) => t.name).join(', ');
  const what = UNREADABLE[code] ? `${UNREADABLE[code]} data (NIfTI datatype ${code})` : `an unknown NIfTI datatype code ${code}`;
  return `${what} cannot be read: the studio reads one grey value a voxel (${names}); save the volume as one of those`;
}

export function isSupportedDatatype(code: number): code is DatatypeCode {
  return code in NIFTI_TYPES;
}

const ARRAYS = {
  2: Uint8Array,
  256: Int8Array,
  4: Int16Array,
  512: Uint16Array,
  8: Int32Array,
  768: Uint32Array,
  16: Float32Array,
  64: Float64Array,
} as const;

/** 64-bit integers read as numbers: exact up to 2^53, far past any label or intensity. */
const isInt64 = (code: DatatypeCode): code is 1024 | 1280 => code === 1024 || code === 1280;

const PLATFORM_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads n voxels of the given type at byte offset, honouring endianness, as a typed array. */
export function decodeVoxels(view: DataView, offset: number, n: number, code: DatatypeCode, little: boolean): ArrayLike<number> {
  const size = NIFTI_TYPES[code].bytes;
  if (!isInt64(code) && (little === PLATFORM_LITTLE || size === 1)) {
    // Copy so the view is aligned whatever vox_offset was: typed arrays need aligned offsets.
    const copy = new Uint8Array(view.buffer, view.byteOffset + offset, n * size).slice();
    return new ARRAYS[code](copy.buffer);
  }
  const out = new Float64Array(n);
  const get: (o: number) => number =
    code === 2 ? (o) => view.getUint8(o)
    : code === 256 ? (o) => view.getInt8(o)
    : code === 4 ? (o) => view.getInt16(o, little)
    : code === 512 ? (o) => view.getUint16(o, little)
    : code === 8 ? (o) => view.getInt32(o, little)
    : code === 768 ? (o) => view.getUint32(o, little)
    : code === 1024 ? (o) => Number(view.getBigInt64(o, little))
    : code === 1280 ? (o) => Number(view.getBigUint64(o, little))
    : code === 16 ? (o) => view.getFloat32(o, little)
    : (o) => view.getFloat64(o, little);
  for (let i = 0; i < n; i++) out[i] = get(offset + i * size);
  return out;
}

/** Writes values as the given type, little-endian, rounding and clamping integers. */
export function encodeVoxels(values: ArrayLike<number>, code: DatatypeCode): Uint8Array {
  if (PLATFORM_LITTLE && !isInt64(code) && values instanceof ARRAYS[code]) {
    // Already the stored type (a float32 volume, a uint8 label map): one copy, no conversion.
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  }
  const n = values.length;
  const size = NIFTI_TYPES[code].bytes;
  const bytes = new Uint8Array(n * size);
  const view = new DataView(bytes.buffer);
  const clampRound = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const o = i * size;
    switch (code) {
      case 2: view.setUint8(o, clampRound(v, 0, 255)); break;
      case 256: view.setInt8(o, clampRound(v, -128, 127)); break;
      case 4: view.setInt16(o, clampRound(v, -32768, 32767), true); break;
      case 512: view.setUint16(o, clampRound(v, 0, 65535), true); break;
      case 8: view.setInt32(o, clampRound(v, -2147483648, 2147483647), true); break;
      case 768: view.setUint32(o, clampRound(v, 0, 4294967295), true); break;
      case 1024: view.setBigInt64(o, BigInt(clampRound(v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) || 0), true); break;
      case 1280: view.setBigUint64(o, BigInt(clampRound(v, 0, Number.MAX_SAFE_INTEGER) || 0), true); break;
      case 16: view.setFloat32(o, v, true); break;
      case 64: view.setFloat64(o, v, true); break;
    }
  }
  return bytes;
}
