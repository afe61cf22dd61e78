import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleCase, type BratsCase, referenceVolume } from '../case/case.ts';
import { readCaseInput } from '../case/load.ts';
import { applyAffine } from '../geometry/affine.ts';
import { exportLikeSource } from '../volume.ts';
import { cielab, labelsOnImage, writeDicomSeg } from './seg.ts';
import { SCRIBBLE_PRESETS } from '../scribbles/classes.ts';
import { classSegments, LESION_SEGMENTS, TUMOUR_SEGMENTS } from './segments.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A FLAIR and a tilted post-contrast T1 on another grid: the SEG must land on either's own slices. */
const SPEC = [
  { number: 3, description: 'AX FLAIR', dims: [32, 28, 12], spacing: 1.0, thickness: 2.0 },
  { number: 5, description: 'T1 AX POST GAD', dims: [26, 30, 14], spacing: 1.2, thickness: 1.5, tilt: 12 },
];

/** Labels as a tumour lays them out: oedema in a 9 mm ball, enhancing rim within 6 mm, necrosis within 3 mm (world mm from the centre). */
function tumourLabels(c: BratsCase): Float32Array {
  const ref = referenceVolume(c);
  const [nx, ny, nz] = ref.dims;
  const out = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const [a, b, d] = applyAffine(ref.affine, [x, y, z]);
        const r = Math.hypot(a - 2, b + 1, d - 1);
        out[x + nx * (y + ny * z)] = r < 3 ? 1 : r < 6 ? 4 : r < 9 ? 2 : 0;
      }
  return out;
}

describe('DICOM SEG export', () => {
  let dir: string;
  let dicomDir: string;
  let c: BratsCase;
  let labelsFile: string;
  let labels: Float32Array;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seg-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(SPEC));
    dicomDir = join(dir, 'in');
    execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'write_dicom.py'), dicomDir, join(dir, 'spec.json')]);
    const read = await readCaseInput(readdirSync(dicomDir).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dicomDir, name))) })));
    c = assembleCase(read.loaded);
    labels = tumourLabels(c);
    labelsFile = join(dir, 'labels.nii');
    writeFileSync(labelsFile, exportLikeSource(referenceVolume(c), labels, { datatype: 2, gzip: false }));
  }, 60_000);

  it('cites each series it was converted from', () => {
    const flair = c.files.find((f) => f.role === 'flair')!;
    expect(flair.dicom?.images).toHaveLength(12);
    expect(flair.dicom?.unusable).toBeUndefined();
    expect(c.files.find((f) => f.role === 't1ce')!.dicom?.images).toHaveLength(14);
  });

  for (const role of ['flair', 't1ce'] as const) {
    it(`on the ${role} series: valid by dciodvfy, and every frame read back by pydicom is the source slice's labels`, () => {
      const file = c.files.find((f) => f.role === role)!;
      const ref = referenceVolume(c);
      const seg = writeDicomSeg({ dims: ref.dims, affine: ref.affine, data: labels }, file.dicom!, {
        segments: TUMOUR_SEGMENTS,
        seriesDescription: 'Tumour (test)',
        algorithm: { type: 'AUTOMATIC', name: 'test head' },
        softwareVersion: '0.0.0',
      });
      const out = join(dir, `${role}.seg.dcm`);
      writeFileSync(out, seg.bytes);
      // dciodvfy prints "Error -" lines for violations of the SEG IOD; warnings are allowed.
      const v = spawnSync('dciodvfy', [out], { encoding: 'utf8' });
      const errors = `${v.stdout}\n${v.stderr}`.split('\n').filter((l) => /^Error/.test(l));
      expect(errors).toEqual([]);
      const check = JSON.parse(execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'check_seg.py'), out, dicomDir, labelsFile, JSON.stringify(seg.segments.map((s) => s.value))], { encoding: 'utf8' }));
      expect(check).toMatchObject({ mismatched_pixels: 0, wrong_position: 0, unknown_sources: 0, missing_frames: 0, patient: 'P123', study_matches: true, frame_of_reference_matches: true });
      expect(check.segments).toEqual(['Necrosis / non-enhancing core', 'Oedema', 'Enhancing tumour']);
      expect(check.frames).toBe(seg.frames);
      expect(seg.frames).toBeGreaterThan(3);
    }, 60_000);
  }

  it('refuses a label map with nothing to export on the series, and leaves out labels it does not hold', () => {
    const ref = referenceVolume(c);
    const file = c.files.find((f) => f.role === 'flair')!;
    const options = { segments: TUMOUR_SEGMENTS, seriesDescription: 'x', algorithm: { type: 'MANUAL' as const, name: '' }, softwareVersion: '0' };
    expect(() => writeDicomSeg({ dims: ref.dims, affine: ref.affine, data: new Float32Array(labels.length) }, file.dicom!, options)).toThrow(/nothing to export/);
    const lesion = writeDicomSeg({ dims: ref.dims, affine: ref.affine, data: labels.map((v) => (v === 4 ? 1 : 0)) }, file.dicom!, { ...options, segments: LESION_SEGMENTS });
    expect(lesion.segments.map((s) => s.label)).toEqual(['Lesion']);
  });

  it('codes scribble classes: a preset’s class keeps its SNOMED code, a class the user named is tissue under its own name', () => {
    expect(classSegments(SCRIBBLE_PRESETS.brats.classes).map((s) => s.type.value)).toEqual(['6574001', '79654002', '108369006']);
    expect(classSegments(SCRIBBLE_PRESETS.lesion.classes)).toEqual(LESION_SEGMENTS);
    const mine = classSegments([...SCRIBBLE_PRESETS.lesion.classes, { name: 'Cyst', label: 2, rgb: [1, 2, 3] }]);
    expect(mine[1]).toMatchObject({ value: 2, label: 'Cyst', type: { value: '85756007', meaning: 'Tissue' } });
  });

  it('samples through a placement: an image whose anatomy lies 2 mm further right (RAS) reads what an image 2 mm further right (LPS x - 2) reads unplaced', () => {
    const ref = referenceVolume(c);
    const grid = { dims: ref.dims, affine: ref.affine, data: labels };
    const source = c.files.find((f) => f.role === 't1ce')!.dicom!;
    const position = source.images[5].position;
    const right = [1, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const placed = labelsOnImage(grid, source, position, right);
    expect(placed.some(Boolean)).toBe(true);
    expect(Array.from(placed)).toEqual(Array.from(labelsOnImage(grid, source, [position[0] - 2, position[1], position[2]])));
    expect(Array.from(placed)).not.toEqual(Array.from(labelsOnImage(grid, source, position)));
  });

  it('gives colours in CIELab as DICOM scales them (white and pure red by hand)', () => {
    expect(cielab([255, 255, 255])).toEqual([65535, 32896, 32896]);
    // sRGB red: L* 53.24, a* 80.09, b* 67.20.
    const [L, a, b] = cielab([255, 0, 0]);
    expect(L / 655.35).toBeCloseTo(53.24, 1);
    expect((a * 255) / 65535 - 128).toBeCloseTo(80.09, 0);
    expect((b * 255) / 65535 - 128).toBeCloseTo(67.2, 0);
  });
});
