/**
 * Inputs for fuzzing the two readers that take files from users: NIfTI volumes and safetensors
 * checkpoints. Each starts from a valid file the studio writes and breaks it the ways files break:
 * header fields set to extremes, bytes flipped, cut short, garbage appended, gzip members damaged.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import fc from 'fast-check';
import { diagonalAffine } from '../../src/core/geometry/affine.ts';
import { headerFor, writeNifti } from '../../src/core/nifti/write.ts';
import { randomCheckpoint } from '../../src/core/models/dinov2/random.ts';

export function niftiSeeds(): Uint8Array[] {
  const dims: [number, number, number] = [5, 4, 3];
  const values = Array.from({ length: 60 }, (_, i) => (i * 37) % 11);
  const int16 = writeNifti(headerFor(dims, diagonalAffine([1, 1, 2]), 4), values);
  const float32 = writeNifti(headerFor(dims, diagonalAffine([0.5, 0.5, 5]), 16), values);
  return [int16, float32, writeNifti(headerFor(dims, diagonalAffine([1, 1, 1]), 2), values)];
}

/** Field offsets in a NIfTI-1 header (nifti1.h), with the width each is written with. */
const NIFTI1_FIELDS: [offset: number, kind: 'i16' | 'i32' | 'f32'][] = [
  [0, 'i32'], // sizeof_hdr
  [40, 'i16'], [42, 'i16'], [44, 'i16'], [46, 'i16'], [48, 'i16'], // dim[0..4]
  [70, 'i16'], [72, 'i16'], // datatype, bitpix
  [76, 'f32'], [80, 'f32'], [84, 'f32'], [88, 'f32'], // pixdim
  [108, 'f32'], [112, 'f32'], [116, 'f32'], // vox_offset, scl_slope, scl_inter
  [252, 'i16'], [254, 'i16'], // qform_code, sform_code
  [256, 'f32'], [260, 'f32'], [264, 'f32'], [268, 'f32'], [272, 'f32'], [276, 'f32'], // quatern, qoffset
  [280, 'f32'], [284, 'f32'], [292, 'f32'], [296, 'f32'], [316, 'f32'], // srow_x, srow_y, srow_z entries
];

const EXTREMES = [0, -1, 1, 2, 3, 7, 8, 255, 256, 348, 352, 540, 32767, -32768, 65535, 2 ** 31 - 1, -(2 ** 31), 1e30, -1e30, NaN, Infinity, -Infinity, 0.5];

function setField(bytes: Uint8Array, offset: number, kind: 'i16' | 'i32' | 'f32', value: number): void {
  if (offset + 4 > bytes.byteLength) return; // cut short by an earlier mutation
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === 'f32') view.setFloat32(offset, value, true);
  else if (kind === 'i32') view.setInt32(offset, Number.isFinite(value) ? value : 0, true);
  else view.setInt16(offset, Number.isFinite(value) ? value : 0, true);
}

type Mutation = (bytes: Uint8Array) => Uint8Array;

// Uniform on [0, 1]: fc.double is uniform over representable doubles, nearly all of them tiny.
const unitFraction = fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((i) => i / 1_000_000);

const fieldMutation: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom(...NIFTI1_FIELDS), fc.oneof(fc.constantFrom(...EXTREMES), fc.integer({ min: -70000, max: 70000 }), fc.float()))
  .map(([[offset, kind], value]) => (bytes) => {
    const out = bytes.slice();
    setField(out, offset, kind, value);
    return out;
  });

const byteFlips = (headerBias: number): fc.Arbitrary<Mutation> =>
  fc.array(fc.tuple(unitFraction, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }).map((flips) => (bytes) => {
    const out = bytes.slice();
    for (const [where, value] of flips) out[Math.floor(where * Math.min(out.length, headerBias)) % out.length] = value;
    return out;
  });

const truncation: fc.Arbitrary<Mutation> = unitFraction.map((f) => (bytes) => bytes.slice(0, Math.floor(bytes.length * f)));
const appended: fc.Arbitrary<Mutation> = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((junk) => (bytes) => {
  const out = new Uint8Array(bytes.length + junk.length);
  out.set(bytes);
  out.set(junk, bytes.length);
  return out;
});

/** A NIfTI file as a user might drop it, broken in one to three ways, plain or gzipped (damaged before or after). */
export function brokenNifti(): fc.Arbitrary<Uint8Array> {
  const seeds = niftiSeeds();
  const mutation = fc.oneof(fieldMutation, byteFlips(352), byteFlips(Infinity), truncation, appended);
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.constantFrom('plain', 'gzip', 'gzip-then-damage'), mutation)
    .map(([seed, mutations, packing, late]) => {
      const broken = mutations.reduce((b, m) => m(b), seed);
      if (packing === 'plain') return broken;
      const gz = gzipSync(broken);
      if (packing === 'gzip') return gz;
      // Damage inside the stream: keep the gzip magic, or it is just another not-NIfTI file.
      const damaged = late(gz);
      if (damaged.length >= 2) damaged.set(gz.subarray(0, 2));
      return damaged;
    });
}

/** Garbage of every size, some of it starting like gzip or like a NIfTI header. */
export function garbage(): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 2048 }),
    fc.uint8Array({ minLength: 8, maxLength: 600 }).map((b) => Uint8Array.from([0x1f, 0x8b, 8, 0, ...b])),
    fc.uint8Array({ minLength: 348, maxLength: 700 }).map((b) => {
      setField(b, 0, 'i32', 348);
      b.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1"
      return b;
    }),
    fc.uint8Array({ minLength: 540, maxLength: 900 }).map((b) => {
      setField(b, 0, 'i32', 540);
      b.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4); // "n+2\0\r\n\032\n"
      return b;
    }),
  );
}

export function checkpointSeed(): Uint8Array {
  return randomCheckpoint('tiny', { seed: 1, naming: 'hf' });
}

/** A JSON value to put where a header entry, a dtype, a shape or an offset belongs. */
const jsonJunk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 1e300, 2 ** 53, 'F64', 'I8', null, [], [-4, 2], [1, 2, 3], {}));

/** A safetensors checkpoint with its JSON header edited, its length field changed, bytes flipped or cut. */
export function brokenCheckpoint(): fc.Arbitrary<Uint8Array> {
  const seed = checkpointSeed();
  const n = Number(new DataView(seed.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(seed.subarray(8, 8 + n))) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const rebuild = (h: unknown, data: Uint8Array): Uint8Array => {
    const json = new TextEncoder().encode(JSON.stringify(h));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  };
  const data = seed.subarray(8 + n);
  const edit = fc.oneof(
    // One field of one tensor replaced.
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('dtype', 'shape', 'data_offsets'), jsonJunk).map(([name, field, value]) => {
      const h = structuredClone(header);
      h[name][field] = value;
      return rebuild(h, data);
    }),
    // A tensor dropped, renamed or replaced whole; the metadata replaced; the header not an object.
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('drop', 'rename', 'replace', 'metadata', 'whole'), jsonJunk).map(([name, how, value]) => {
      const h: Record<string, unknown> = structuredClone(header);
      if (how === 'drop') delete h[name];
      if (how === 'rename') [h[`${name}.x`], h[name]] = [h[name], undefined];
      if (how === 'replace') h[name] = value;
      if (how === 'metadata') h.__metadata__ = typeof value === 'object' && value && !Array.isArray(value) ? { studio_config: JSON.stringify(value).slice(1) } : value;
      return rebuild(how === 'whole' ? value : h, data);
    }),
    // The 8-byte length field.
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((len) => {
      const out = seed.slice();
      new DataView(out.buffer).setBigUint64(0, len, true);
      return out;
    }),
    fc.constant(seed).chain((s) => fc.oneof(byteFlips(8 + n), byteFlips(Infinity), truncation, appended).map((m) => m(s))),
  );
  return edit;
}

/** Four slices of a small MR series, written by pydicom (test/write_dicom.py). */
export function dicomSeed(): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-dicom-'));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify([{ number: 2, description: 'AX FLAIR', dims: [8, 6, 4], spacing: 1, thickness: 3 }]));
  execFileSync('/usr/bin/python3', [join(import.meta.dirname, '..', 'write_dicom.py'), join(dir, 'in'), join(dir, 'spec.json')]);
  return readdirSync(join(dir, 'in')).sort().map((n) => new Uint8Array(readFileSync(join(dir, 'in', n))));
}

/** A DICOM series (files that convert) with some of its files broken the ways NIfTI files are broken above. */
export function brokenDicomSeries(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array[]> {
  const mutation = fc.oneof(byteFlips(1024), byteFlips(Infinity), truncation, appended);
  return fc.array(fc.option(fc.array(mutation, { minLength: 1, maxLength: 3 }), { freq: 2 }), { minLength: seeds.length, maxLength: seeds.length }).map((plan) =>
    seeds.map((seed, i) => (plan[i] ? plan[i]!.reduce((b, m) => m(b), seed) : seed)),
  );
}
