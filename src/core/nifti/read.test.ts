import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { nibabelFixtures } from '../../../test/nibabel.ts';
import { affineFromRows } from '../geometry/affine.ts';
import { NiftiError, type NiftiHeader } from './header.ts';
import { headerFor, writeNifti } from './write.ts';
import { readNifti } from './read.ts';

const fixtures = nibabelFixtures();

describe('readNifti against nibabel', () => {
  it.each(fixtures.map((f) => [basename(f.path), f] as const))('%s: data, shape and affine', (_name, ref) => {
    const img = readNifti(new Uint8Array(readFileSync(ref.path)));
    expect(img.dims).toEqual(ref.shape);
    expect(img.data.length).toBe(ref.data.length);
    for (let i = 0; i < ref.data.length; i++) expect(img.data[i]).toBeCloseTo(ref.data[i], 4);
    const flat = ref.affine.flat();
    img.affine.forEach((v, i) => expect(v).toBeCloseTo(flat[i], 5));
  });

  it('covers every datatype the studio supports, gzipped and plain, NIfTI-2 and big-endian', () => {
    const names = fixtures.map((f) => basename(f.path));
    for (const t of ['uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64']) {
      expect(names).toContain(`qform_${t}.nii`);
      expect(names).toContain(`qform_${t}.nii.gz`);
    }
    expect(names).toEqual(expect.arrayContaining(['nifti2_int16.nii', 'nifti2_int16.nii.gz', 'bigendian_float32.nii', 'scaled_int16.nii.gz', 'multimember_int16.nii.gz']));
  });

  it('applies scl_slope and scl_inter (0.5 x stored - 3)', () => {
    const ref = fixtures.find((f) => f.path.endsWith('scaled_int16.nii.gz'))!;
    const img = readNifti(new Uint8Array(readFileSync(ref.path)));
    expect(img.header.sclSlope).toBe(0.5);
    expect(img.data[0]).toBe(-3);
    expect(img.data[7]).toBe(7 * 0.5 - 3);
  });

  it('takes the sform over the qform when both are set, as nibabel does', () => {
    const ref = fixtures.find((f) => f.path.endsWith('both_forms.nii'))!;
    const img = readNifti(new Uint8Array(readFileSync(ref.path)));
    expect(img.affineSource).toBe('sform');
    expect(img.affine.slice(0, 4)).toEqual([0, 0, -1.2000000476837158, 30]);
  });
});

describe('a transform the header offers but cannot be used', () => {
  const dims: [number, number, number] = [3, 2, 2];
  const base = headerFor(dims, affineFromRows([[2, 0, 0, 10], [0, 3, 0, 20], [0, 0, 4, 30]]), 4);
  const read = (changes: Partial<NiftiHeader>) => readNifti(writeNifti({ ...base, ...changes }, new Array(12).fill(1)));
  const zeroRows: NiftiHeader['srow'] = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];

  it('an sform of zeros (a converter that set the code and not the rows) gives way to the qform, and the user is told', () => {
    const img = read({ srow: zeroRows });
    expect(img.affineSource).toBe('qform');
    expect(img.affine.slice(0, 12)).toEqual([2, 0, 0, 10, 0, 3, 0, 20, 0, 0, 4, 30]);
    expect(img.affineNote).toBe('its srow_x/y/z (sform) gives a voxel axis of length 0, so its geometry comes from its quatern/qoffset/pixdim (qform)');
  });

  it('an sform with NaN and no qform give way to pixdim scaling', () => {
    const img = read({ srow: [[NaN, 0, 0, 0], [0, 3, 0, 0], [0, 0, 4, 0]], qformCode: 0 });
    expect(img.affineSource).toBe('pixdim');
    expect(img.affine.slice(0, 12)).toEqual([2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0]);
    expect(img.affineNote).toMatch(/^its srow_x\/y\/z \(sform\) holds NaN or infinite values, so its geometry comes from its pixdim$/);
  });

  it('two voxel axes along one direction are a singular sform', () => {
    expect(read({ srow: [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0]] }).affineNote).toMatch(/sform\) is singular/);
  });

  it('nothing usable at all is refused, naming each transform and its fault', () => {
    expect(() => read({ srow: zeroRows, qformCode: 0, pixdim: [1, Infinity, 3, 4, 1, 1, 1, 1] })).toThrow(
      'its voxel-to-world transform cannot be used: the srow_x/y/z (sform) gives a voxel axis of length 0, the pixdim holds NaN or infinite values',
    );
  });

  it('a good file has no note', () => {
    expect(read({}).affineNote).toBeUndefined();
  });
});

describe('readNifti rejects bad input with a clear message', () => {
  const good = new Uint8Array(readFileSync(fixtures.find((f) => f.path.endsWith('qform_int16.nii'))!.path));

  it('a non-NIfTI file', () => {
    expect(() => readNifti(new TextEncoder().encode('hello, this is not an image at all....'))).toThrow(/not a NIfTI file/);
  });
  it('an empty file', () => {
    expect(() => readNifti(new Uint8Array())).toThrow(/empty/);
  });
  it('a truncated file', () => {
    expect(() => readNifti(good.subarray(0, good.length - 10))).toThrow(/truncated: 120 bytes of voxel data expected, 110 found/);
  });
  it('a truncated gzip stream', () => {
    const gz = gzipSync(good);
    expect(() => readNifti(gz.subarray(0, gz.length >> 1))).toThrow(NiftiError);
    expect(() => readNifti(gz.subarray(0, gz.length >> 1))).toThrow(/gzip/);
    for (const cut of [2, 6, 10]) expect(() => readNifti(gz.subarray(0, cut))).toThrow(/corrupt or truncated gzip data/);
  });
  it('an Analyze-style .hdr/.img pair (magic ni1) is named, with what to convert to', () => {
    const pair = good.slice();
    pair.set([0x6e, 0x69, 0x31, 0], 344); // "ni1": the header of a two-file NIfTI
    expect(() => readNifti(pair)).toThrow('header/image pairs (.hdr/.img) are not supported; convert to .nii or .nii.gz');
  });
  it('a vox_offset that is not a byte position', () => {
    for (const bad of [NaN, -4]) {
      const b = good.slice();
      new DataView(b.buffer).setFloat32(108, bad, true); // nifti1.h: vox_offset at byte 108
      expect(() => readNifti(b)).toThrow(`invalid vox_offset ${bad}`);
    }
  });
  it('a 4D volume', () => {
    const four = good.slice();
    const v = new DataView(four.buffer);
    v.setInt16(40, 4, true);
    v.setInt16(48, 2, true); // dim[4] = 2 frames: twice the voxels, so halve dim[3]... keep size honest
    v.setInt16(46, 1, true);
    expect(() => readNifti(four)).toThrow(/4D volume \(5x4x1x2\)/);
  });
  it('colour, complex and unknown datatypes are named, with what the studio reads instead', () => {
    const withType = (code: number) => {
      const b = good.slice();
      new DataView(b.buffer).setInt16(70, code, true); // nifti1.h: datatype at byte 70
      return b;
    };
    expect(() => readNifti(withType(128))).toThrow(/^RGB24 \(colour values\) data \(NIfTI datatype 128\) cannot be read: the studio reads one grey value a voxel \(uint8, .*int64.*\)/);
    expect(() => readNifti(withType(1792))).toThrow(/complex128 \(complex values\)/);
    expect(() => readNifti(withType(9999))).toThrow(/unknown NIfTI datatype code 9999/);
  });
});
