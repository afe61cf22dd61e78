/**
 * Clinical scans, timed (npm run bench:dicom -- [--runs N]): a DICOM series of 176 slices of
 * 256x256 converted and read by the studio (dcm2niix in WebAssembly, in Node), interleaved with
 * Debian's native dcm2niix on the same files; the raw TCGA-FG-6692 case (four sequences, three
 * grids) assembled onto the FLAIR grid and onto a 1 mm isotropic grid; what keeping the series in
 * the browser costs; a DICOM SEG of a tumour-sized label map on that series (seconds, bytes); the
 * TCGA case's three other sequences aligned to its FLAIR (elastix, rigid, in Node). Medians with
 * min and max; the page's own conversion is timed by `npm run bench:ui -- --case DIR` on the same
 * series, and its alignment by adding --align.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleCase, referenceVolume } from '../src/core/case/case.ts';
import { writeDicomSeg } from '../src/core/dicom/seg.ts';
import { TUMOUR_SEGMENTS } from '../src/core/dicom/segments.ts';
import { applyAffine } from '../src/core/geometry/affine.ts';
import { alignAll, onCaseGrid } from '../src/core/registration/alignCase.ts';
import { nodeElastix } from '../src/cli/elastix.ts';
import { readCaseFiles, readCaseInput } from '../src/core/case/load.ts';
import { flag, parseArgs } from '../src/cli/args.ts';

const args = parseArgs(process.argv.slice(2));
const runs = Number(flag(args, 'runs', '15'));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(0)} ms (min ${s[0].toFixed(0)}, max ${s.at(-1)!.toFixed(0)})`;
};

const dir = mkdtempSync(join(tmpdir(), 'bench-dicom-'));
writeFileSync(join(dir, 'spec.json'), JSON.stringify([{ number: 2, description: 'SAG T1 MPRAGE', dims: [256, 256, 176], spacing: 1, thickness: 1 }]));
execFileSync('/usr/bin/python3', [join(import.meta.dirname, '..', 'test', 'write_dicom.py'), join(dir, 'series'), join(dir, 'spec.json')]);
const files = readdirSync(join(dir, 'series')).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, 'series', name))) }));
const bytes = files.reduce((n, f) => n + f.bytes.byteLength, 0);
console.log(`series: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB (what the browser keeps for a reload), written to ${join(dir, 'series')}`);

const studio: number[] = [];
const native: number[] = [];
for (let r = 0; r < runs; r++) {
  let t = performance.now();
  const read = await readCaseInput(files);
  studio.push(performance.now() - t);
  if (read.loaded[0]?.volume.dims.join() !== '256,256,176') throw new Error(`the series read as ${read.loaded[0]?.volume.dims}`);
  const out = mkdtempSync(join(tmpdir(), 'bench-native-'));
  t = performance.now();
  execFileSync('dcm2niix', ['-z', 'n', '-b', 'y', '-f', '%s_%d', '-o', out, join(dir, 'series')], { stdio: 'ignore' });
  native.push(performance.now() - t);
  rmSync(out, { recursive: true });
}
console.log(`convert + read 176 x 256 x 256, studio (WebAssembly dcm2niix, Node): ${stats(studio)}`);
console.log(`convert to .nii, Debian's native dcm2niix (a process each run):        ${stats(native)}`);

// A tumour on the series: oedema in a 25 mm ball, enhancing within 15 mm, necrosis within 8 mm.
const series = assembleCase((await readCaseInput(files)).loaded);
const grid = referenceVolume(series);
const labels = new Uint8Array(grid.data.length);
const [nx, ny] = grid.dims;
for (let i = 0; i < labels.length; i++) {
  const p = applyAffine(grid.affine, [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))]);
  const r = Math.hypot(p[0] - 20, p[1] + 10, p[2] - 5);
  labels[i] = r < 8 ? 1 : r < 15 ? 4 : r < 25 ? 2 : 0;
}
const segTimes: number[] = [];
let seg: ReturnType<typeof writeDicomSeg> | undefined;
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  seg = writeDicomSeg({ dims: grid.dims, affine: grid.affine, data: labels }, series.files[0].dicom!, { segments: TUMOUR_SEGMENTS, seriesDescription: 'bench', algorithm: { type: 'AUTOMATIC', name: 'bench' } });
  segTimes.push(performance.now() - t);
}
console.log(`DICOM SEG of a 3-label tumour on the 176-slice series (${seg!.frames} frames, ${(seg!.bytes.length / 1e3).toFixed(0)} kB): ${stats(segTimes)}`);

const raw = join(import.meta.dirname, '..', '..', 'shared', 'real-cases', 'tcga-fg-6692-raw');
const loaded = readCaseFiles(readdirSync(raw).filter((n) => n.endsWith('.nii.gz')).map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(raw, n))) }))).loaded;
const onFlair: number[] = [];
const onIso: number[] = [];
for (let r = 0; r < runs; r++) {
  let t = performance.now();
  assembleCase(loaded);
  onFlair.push(performance.now() - t);
  t = performance.now();
  assembleCase(loaded, { reference: { isotropic: 1 } });
  onIso.push(performance.now() - t);
}
console.log(`raw TCGA-FG-6692 (4 sequences, 3 grids) as one case, FLAIR grid 208x256x26 (3 resampled + head mask): ${stats(onFlair)}`);
console.log(`the same on a 1 mm isotropic grid 187x230x143 (4 resampled + head mask):                     ${stats(onIso)}`);
const aligning: number[] = [];
const tcga = assembleCase(loaded);
for (let r = 0; r < Math.min(runs, 5); r++) {
  const t = performance.now();
  await alignAll(tcga, onCaseGrid(tcga, nodeElastix), {});
  aligning.push(performance.now() - t);
}
console.log(`raw TCGA-FG-6692: T1, T1gd and T2 aligned to the FLAIR (3 rigid registrations, elastix in Node, ${aligning.length} runs): ${stats(aligning)}`);
rmSync(dir, { recursive: true });
