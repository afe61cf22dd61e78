import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyAffine } from '../geometry/affine.ts';
import { assembleCase } from '../case/case.ts';
import { type CaseRead, readCaseInput } from '../case/load.ts';
import { loadVolume } from '../volume.ts';
import { seriesRole } from './series.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Series as a PACS export holds them: two grids (one tilted 15°), a T2 named only by its timing, a localizer, a derived map. */
const SPEC = [
  { number: 3, description: 'AX FLAIR', dims: [24, 20, 10], spacing: 1.0, thickness: 2.0 },
  { number: 5, description: 'T1 AX POST GAD', dims: [20, 24, 8], spacing: 1.2, thickness: 2.5, tilt: 15 },
  { number: 6, description: 'AX SE', dims: [24, 20, 10], spacing: 1.0, thickness: 2.0, te: 0.1, tr: 4.0 },
  { number: 1, description: 'AAHead_Scout', dims: [24, 20, 3], spacing: 1.0, thickness: 2.0 },
  { number: 8, description: 'ADC', dims: [24, 20, 10], spacing: 1.0, thickness: 2.0, image_type: ['DERIVED', 'PRIMARY', 'ADC'] },
];

function writeSeries(spec: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'dicom-'));
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  execFileSync('/usr/bin/python3', [join(ROOT, 'test', 'write_dicom.py'), join(dir, 'in'), specFile]);
  return join(dir, 'in');
}

const filesOf = (dir: string) => readdirSync(dir).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));

describe('DICOM folders, converted by dcm2niix compiled to WebAssembly', () => {
  let dir: string;
  let read: CaseRead;
  beforeAll(async () => {
    dir = writeSeries(SPEC);
    read = await readCaseInput(filesOf(dir));
  }, 60_000);

  it('groups files into series, gives roles from names and timing, and skips localizers and derived maps with the reason', () => {
    expect(read.failed).toEqual([]);
    expect(Object.fromEntries(read.loaded.map((f) => [f.name, f.role]))).toEqual({ '3_AX_FLAIR.nii': 'flair', '5_T1_AX_POST_GAD.nii': 't1ce', '6_AX_SE.nii': 't2' });
    expect(read.skipped.map((s) => s.reason)).toEqual(['a localizer', 'derived by the scanner (a computed map, reformat or subtraction)']);
    expect(read.patient).toEqual({ name: 'Test^Patient', id: 'P123', studyDate: expect.stringMatching(/2026-?01-?01/) });
  });

  it('places every voxel at its world position: the value written at DICOM pixel (i, j) of slice k is read back there', () => {
    for (const f of read.loaded) {
      const s = SPEC.find((x) => f.name.startsWith(`${x.number}_`))!;
      const t = ((s.tilt ?? 0) * Math.PI) / 180;
      const [row, col] = [[1, 0, 0], [0, Math.cos(t), Math.sin(t)]];
      const normal = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
      const origin = [(-s.dims[0] * s.spacing) / 2, (-s.dims[1] * s.spacing) / 2, (-s.dims[2] * s.thickness) / 2];
      const v = f.volume;
      let checked = 0;
      for (let o = 0; o < v.data.length; o += 37) {
        const ras = applyAffine(v.affine, [o % v.dims[0], Math.floor(o / v.dims[0]) % v.dims[1], Math.floor(o / (v.dims[0] * v.dims[1]))]);
        // DICOM's patient coordinates are LPS: x and y the other way round from RAS.
        const d = [-ras[0] - origin[0], -ras[1] - origin[1], ras[2] - origin[2]];
        const dot = (a: number[]) => d[0] * a[0] + d[1] * a[1] + d[2] * a[2];
        const [i, j, k] = [dot(row) / s.spacing, dot(col) / s.spacing, dot(normal) / s.thickness].map((c) => Math.round(c * 1e3) / 1e3);
        expect(v.data[o]).toBeCloseTo(10 * s.number + i + 30 * j + 700 * k, 2);
        checked++;
      }
      expect(checked).toBeGreaterThan(50);
    }
  });

  it("gives the same volumes as Debian's dcm2niix (values and affines)", () => {
    const out = mkdtempSync(join(tmpdir(), 'dcm2niix-'));
    execFileSync('dcm2niix', ['-z', 'n', '-f', '%s_%d', '-o', out, dir], { encoding: 'utf8' });
    for (const f of read.loaded) {
      const theirs = loadVolume(new Uint8Array(readFileSync(join(out, f.name))), f.name);
      expect(theirs.dims).toEqual(f.volume.dims);
      f.volume.affine.forEach((a, i) => expect(a).toBeCloseTo(theirs.affine[i], 3));
      expect(Array.from(f.volume.data)).toEqual(Array.from(theirs.data));
    }
  });

  it('the series become one case on the FLAIR grid', () => {
    const c = assembleCase(read.loaded, { id: 'dicom' });
    expect(c.grid.reference).toBe('FLAIR');
    expect(c.grid.resampled).toEqual(['5_T1_AX_POST_GAD.nii']);
    expect(c.modalities.t2!.dims).toEqual(c.modalities.flair!.dims);
  });

  it('a .zip of the export reads as the folder does; a broken .zip is named', async () => {
    const zipped = zipSync(Object.fromEntries(filesOf(dir).map((f) => [`export/${f.name}`, f.bytes])));
    const r = await readCaseInput([{ name: 'pacs.zip', bytes: zipped }]);
    expect(r.loaded.map((f) => [f.name, f.role])).toEqual(read.loaded.map((f) => [f.name, f.role]));
    expect(Array.from(r.loaded[1].volume.data)).toEqual(Array.from(read.loaded[1].volume.data));
    const broken = await readCaseInput([{ name: 'cut.zip', bytes: zipped.slice(0, 100) }]);
    expect(broken.failed[0]).toMatchObject({ name: 'cut.zip', error: expect.stringMatching(/not a readable \.zip/) });
  }, 60_000);

  it('junk, cut and empty DICOM files give a message, never a crash', async () => {
    const good = filesOf(dir).find((f) => f.name.startsWith('IM03'))!;
    const junk = new Uint8Array(4000).map((_, i) => (i * 7919) % 256);
    junk.set([0x44, 0x49, 0x43, 0x4d], 128);
    const cases = [
      [{ name: 'junk.dcm', bytes: junk }],
      [{ name: 'cut.dcm', bytes: good.bytes.slice(0, 600) }],
      [{ name: 'empty.dcm', bytes: new Uint8Array(0) }],
    ];
    for (const files of cases) {
      const r = await readCaseInput(files);
      expect(r.loaded).toEqual([]);
      expect(r.failed[0].error).toMatch(/dcm2niix made no volume of them/);
    }
  }, 60_000);
});

describe('series roles from the headers technologists write', () => {
  it.each([
    ['AX T2 FLAIR', 'flair'],
    ['t2_tirm_tra_dark-fluid', 'flair'],
    ['MPRAGE POST', 't1ce'],
    ['T1 +C AX', 't1ce'],
    ['Ax T1 SE', 't1'],
    ['T2 TSE AX', 't2'],
    ['t2_swi_tra', 'ignore'],
    ['DWI', 'ignore'],
  ])('%s -> %s', (description, role) => {
    expect(seriesRole({ SeriesDescription: description })).toBe(role);
  });
  it('from timing where the name says nothing: long TI FLAIR, short TR/TE T1 (post-contrast with an agent), long TR/TE T2', () => {
    expect(seriesRole({ SeriesDescription: 'AX', InversionTime: 2.5, EchoTime: 0.09, RepetitionTime: 9 })).toBe('flair');
    expect(seriesRole({ SeriesDescription: 'AX', EchoTime: 0.01, RepetitionTime: 0.5 })).toBe('t1');
    expect(seriesRole({ SeriesDescription: 'AX', EchoTime: 0.01, RepetitionTime: 0.5, ContrastBolusAgent: 'Gadovist' })).toBe('t1ce');
    expect(seriesRole({ SeriesDescription: 'AX', EchoTime: 0.1, RepetitionTime: 4 })).toBe('t2');
  });
});
