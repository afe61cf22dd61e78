import { f16ToF32, f32ToF16 } from './f16.ts';

/**
 * safetensors: 8-byte little-endian header length N, N bytes of JSON
 * {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}, then the data.
 */
export type TensorDtype = 'F32' | 'F16' | 'BF16';

export interface TensorEntry {
  dtype: TensorDtype;
  shape: number[];
  /** Bytes of this tensor, little-endian, C order. */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
}

const BYTES: Record<TensorDtype, number> = { F32: 4, F16: 2, BF16: 2 };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A size or byte offset: a non-negative integer a Float32Array could hold. */
function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

export function parseSafetensors(buffer: Uint8Array): SafetensorsFile {
  if (buffer.byteLength < 8) throw new WeightsError('not a safetensors file (shorter than its 8-byte header length)');
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n <= 1 || n > buffer.byteLength - 8) throw new WeightsError('not a safetensors file, or truncated (header length out of range)');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(buffer.subarray(8, 8 + n)));
  } catch {
    throw new WeightsError('not a safetensors file (its header is not JSON)');
  }
  if (!isRecord(header)) throw new WeightsError('not a safetensors file (its header is not a JSON object)');
  const data = buffer.subarray(8 + n);
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (raw !== null && !isRecord(raw)) throw new WeightsError('the safetensors __metadata__ is not an object');
      metadata = Object.fromEntries(Object.entries(raw ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      continue;
    }
    if (!isRecord(raw)) throw new WeightsError(`tensor ${name} has no dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: offsets } = raw;
    if (typeof dtype !== 'string' || !Object.hasOwn(BYTES, dtype)) throw new WeightsError(`tensor ${name} has dtype ${JSON.stringify(dtype)}; F32, F16 and BF16 are supported`);
    if (!Array.isArray(shape) || !shape.every(isCount)) throw new WeightsError(`tensor ${name} has shape ${JSON.stringify(shape)}, not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw new WeightsError(`tensor ${name} has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * BYTES[dtype as TensorDtype];
    if (end - begin !== expected) throw new WeightsError(`tensor ${name}: ${end - begin} bytes for shape [${shape}] (${expected} expected)`);
    if (end > data.byteLength) throw new WeightsError(`the file is truncated: tensor ${name} ends at byte ${end} of ${data.byteLength}`);
    tensors.set(name, { dtype: dtype as TensorDtype, shape: shape as number[], bytes: data.subarray(begin, end) });
  }
  return { tensors, metadata };
}

/** Values of a tensor as float32, whatever its stored type. */
export function toFloat32(t: TensorEntry): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(n);
  if (t.dtype === 'F32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (t.dtype === 'F16') {
    for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(2 * i, true));
  } else {
    // bfloat16 is the top half of a float32.
    const u32 = new Uint32Array(n);
    for (let i = 0; i < n; i++) u32[i] = view.getUint16(2 * i, true) << 16;
    out.set(new Float32Array(u32.buffer));
  }
  return out;
}

export interface TensorToWrite {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Writes tensors in order, as F32 or F16 (round to nearest even), header padded to 8 bytes. */
export function writeSafetensors(tensors: TensorToWrite[], dtype: 'F32' | 'F16', metadata: Record<string, string> = {}): Uint8Array {
  const size = BYTES[dtype];
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const len = t.values.length * size;
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  let o = 8 + head.byteLength;
  for (const t of tensors) {
    for (let i = 0; i < t.values.length; i++, o += size) {
      if (dtype === 'F32') view.setFloat32(o, t.values[i], true);
      else view.setUint16(o, f32ToF16(t.values[i]), true);
    }
  }
  return out;
}
