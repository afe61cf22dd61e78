import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';
import { diagonalAffine } from '../core/geometry/affine.ts';
import { headerFor, writeNifti } from '../core/nifti/write.ts';
import { exportLikeSource, loadVolume } from '../core/volume.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function studio(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('studio CLI', () => {
  it('info describes the real BraTS 2015 case from its folder', () => {
    const r = studio('info', join(REAL_CASES, 'brats2015-pat0005'));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.id).toBe('brats2015-pat0005');
    expect(out.dims).toEqual([240, 240, 155]);
    expect(out.labels.convention).toBe('brats2015');
    expect(Object.keys(out.labels.voxels).sort()).toEqual(['0', '1', '2', '4']);
  });

  it('a flag the command does not take is an error naming it and the nearest it takes, before any work', () => {
    const r = studio('info', join(REAL_CASES, 'brats2015-pat0005'), '--epoch', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown flag --epoch');
    expect(r.stdout).toBe('');
    const e = studio('experiment', '--train', join(REAL_CASES, 'brats2015-pat0005'), '--test', join(REAL_CASES, 'tcga-fg-6692'), '--weights', 'none.safetensors', '--epoch', '5', '--lr', '0.1', '--jiter', '0.2');
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('unknown flag --epoch (did you mean --epochs?); unknown flag --jiter (did you mean --jitter?)');
    // --help prints the command's usage and does nothing else.
    const h = studio('info', '--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('info PATH...');
  });

  it('synth writes a case that info reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    expect(studio('synth', '--out', dir, '--dims', '64,64,40', '--seed', '11').code).toBe(0);
    const out = JSON.parse(studio('info', dir).stdout);
    expect(out.files.map((f: { role: string }) => f.role).sort()).toEqual(['flair', 'seg', 't1', 't1ce', 't2']);
    expect(out.labels.fileValues).toEqual([0, 1, 2, 4]);
  });

  it('a folder with several label maps and one the names do not reveal: the best is chosen, --role sets one by hand, checks come before any work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maps-'));
    expect(studio('synth', '--out', dir, '--dims', '48,48,24', '--seed', '12').code).toBe(0);
    const caseDir = dir;
    const seg = readdirSync(caseDir).find((f) => f.endsWith('_seg.nii.gz'))!;
    renameSync(join(caseDir, seg), join(caseDir, 'reference_voxels.nii.gz'));
    copyFileSync(join(caseDir, 'reference_voxels.nii.gz'), join(caseDir, 'seg_deepmedic.nii.gz'));
    copyFileSync(join(caseDir, 'reference_voxels.nii.gz'), join(caseDir, 'fusion_mav.nii.gz'));
    const chosen = JSON.parse(studio('info', caseDir).stdout);
    expect([chosen.labels.file, chosen.labels.source, chosen.otherLabelMaps]).toEqual(['fusion_mav.nii.gz', 'fusion', ['seg_deepmedic.nii.gz']]);
    expect(chosen.files.find((f: { name: string }) => f.name === 'reference_voxels.nii.gz').role).toBe('ignore');
    const byHand = JSON.parse(studio('info', caseDir, '--role', 'REFERENCE_*=seg').stdout);
    expect([byHand.labels.file, byHand.otherLabelMaps]).toEqual(['reference_voxels.nii.gz', ['fusion_mav.nii.gz', 'seg_deepmedic.nii.gz']]);
    expect(studio('info', caseDir, '--role', 'nothing*=seg').stderr).toContain('--role pattern "nothing*" matches no file');
    expect(studio('info', caseDir, '--role', 'x=label').stderr).toContain('unknown role "label"');
    // Without any label map, experiment names the files and the way out before loading weights (none given here).
    for (const f of ['seg_deepmedic.nii.gz', 'fusion_mav.nii.gz']) unlinkSync(join(caseDir, f));
    const none = studio('experiment', '--train', caseDir, '--test', caseDir, '--weights', 'missing.safetensors');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/has no label map \(files: .*reference_voxels.nii.gz \(ignore\).*\); give its role by hand, e.g. --role 'NAME\*=seg'/);
  });

  it('NaN outside the brain (as registration tools write it): the CLI says so, and the run scores exactly as with zeros there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nan-'));
    expect(studio('synth', '--out', dir, '--dims', '48,48,24', '--seed', '13').code).toBe(0);
    const weights = join(mkdtempSync(join(tmpdir(), 'w-')), 'tiny.safetensors');
    expect(studio('make-checkpoint', '--preset', 'tiny', '--out', weights).code).toBe(0);
    const run = () => studio('experiment', '--train', dir, '--test', dir, '--weights', weights, '--epochs', '10', '--seed', '1');
    const flair = join(dir, readdirSync(dir).find((f) => f.endsWith('_flair.nii.gz'))!);
    const v = loadVolume(new Uint8Array(readFileSync(flair)), flair);
    const outside = v.data.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
    expect(outside).toBeGreaterThan(0);
    // Stored as float32 both times (int16 cannot hold NaN): zeros, then NaN, outside the brain.
    writeFileSync(flair, exportLikeSource(v, v.data, { datatype: 16 }));
    const withZeros = run();
    expect(withZeros.code, withZeros.stderr).toBe(0);
    writeFileSync(flair, exportLikeSource(v, v.data.map((x) => (x === 0 ? NaN : x)), { datatype: 16 }));
    const info = studio('info', dir);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stderr).toContain(`${basename(flair)}: ${outside.toLocaleString('en-US')} voxels were NaN or infinite; they are read as 0 (no data).`);
    expect(JSON.parse(info.stdout).files.find((f: { name: string }) => f.name === basename(flair)).nonFiniteVoxels).toBe(outside);
    const withNaN = run();
    expect(withNaN.code, withNaN.stderr).toBe(0);
    expect(withNaN.stderr).toContain('voxels were NaN or infinite');
    const scores = JSON.parse(withNaN.stdout).cases;
    expect(scores[0].regions.WT.dice).toBeGreaterThan(0.3);
    expect(scores).toEqual(JSON.parse(withZeros.stdout).cases);
  }, 120_000);

  it('a volume too large to hold is refused with the --downsample that reads it, and reads with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'big-'));
    const n = 350; // 42.9 million voxels, over the 40 million a volume
    const flair = new Uint8Array(n * n * n).map((_, i) => (i % 7) * 30);
    writeFileSync(join(dir, 'big_flair.nii.gz'), writeNifti(headerFor([n, n, n], diagonalAffine([0.5, 0.5, 0.5]), 2), flair, { gzip: true }));
    const refused = studio('info', dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('big_flair.nii.gz: it is 350×350×350 voxels');
    expect(refused.stderr).toContain('run again with --downsample 2');
    const read = studio('info', dir, '--downsample', '2');
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout).dims).toEqual([175, 175, 175]);
    expect(JSON.parse(read.stdout).spacing).toEqual([1, 1, 1]);
    expect(read.stderr).toContain('big_flair.nii.gz: read downsampled ×2 (350×350×350 → 175×175×175).');
  }, 120_000);

  it('bad input: a clear message on stderr and a non-zero exit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-'));
    writeFileSync(join(dir, 'broken_flair.nii.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]));
    const r = studio('info', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken_flair.nii.gz: corrupt or truncated gzip data');
    const usage = studio('synth');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing --out');
  });
});

describe('studio CLI: models', () => {
  const R = join(ROOT, '..', 'shared', 'dinov2-reference');
  const tmp = mkdtempSync(join(tmpdir(), 'models-'));
  const readF32 = (p: string) => {
    const b = readFileSync(p);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

  it('embed writes the reference patch tokens of a non-square input', () => {
    const out = join(tmp, 'tokens.bin');
    const r = studio('embed', '--weights', join(R, 's14-d2/weights.orig.safetensors'), '--input', join(R, 'inputs/img_238x182.bin'), '--height', '238', '--width', '182', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const line = JSON.parse(r.stdout);
    expect([line.rows, line.cols, line.dim, line.backend, line.interpolation]).toEqual([17, 13, 384, 'wasm', 'authors']);
    expect(line.ms).toBeGreaterThan(0);
    expect(maxDiff(readF32(out), readF32(join(R, 's14-d2/img_238x182/x_norm_patchtokens.bin')))).toBeLessThan(1e-4);
    // Hugging Face's rule, asked for explicitly, gives other features on this checkpoint.
    studio('embed', '--weights', join(R, 's14-d2/weights.orig.safetensors'), '--input', join(R, 'inputs/img_238x182.bin'), '--height', '238', '--width', '182', '--out', out, '--interpolation', 'hf');
    expect(maxDiff(readF32(out), readF32(join(R, 's14-d2/img_238x182/x_norm_patchtokens.bin')))).toBeGreaterThan(1e-2);
  });

  it('convert halves the checkpoint and keeps the features within F16 rounding', () => {
    const converted = join(tmp, 'tiny-f16.safetensors');
    const r = studio('convert', '--weights', join(R, 'tiny/weights.hf.safetensors'), '--interpolation', 'authors', '--out', converted);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.bytes).toBeLessThan(statSync(join(R, 'tiny/weights.hf.safetensors')).size * 0.52);
    expect(JSON.parse(readFileSync(join(tmp, 'tiny-f16.json'), 'utf8')).num_attention_heads).toBe(3);
    const out = join(tmp, 'f16.bin');
    // No --interpolation: the converted file remembers the rule it was converted with.
    expect(studio('embed', '--weights', converted, '--input', join(R, 'inputs/img_112x112.bin'), '--height', '112', '--width', '112', '--out', out).code).toBe(0);
    const err = maxDiff(readF32(out), readF32(join(R, 'tiny/img_112x112/x_norm_patchtokens.bin')));
    expect(err).toBeGreaterThan(0); // it really is rounded
    expect(err).toBeLessThan(2e-2);
  });

  it('make-checkpoint writes random weights in either naming, and results say they are random', () => {
    for (const naming of ['orig', 'hf']) {
      const w = join(tmp, `rand-${naming}.safetensors`);
      expect(studio('make-checkpoint', '--preset', 'tiny', '--naming', naming, '--seed', '4', '--out', w).code).toBe(0);
      const input = join(tmp, 'x.bin');
      writeFileSync(input, new Uint8Array(Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i)).buffer));
      const r = studio('embed', '--weights', w, '--input', input, '--height', '224', '--width', '224', '--out', join(tmp, `y-${naming}.bin`));
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rows: 16, cols: 16, dim: 64, randomWeights: true });
    }
    // Same seed, two namings, a grid that needs no interpolation: the very same model.
    expect(readF32(join(tmp, 'y-orig.bin'))).toEqual(readF32(join(tmp, 'y-hf.bin')));
  });

  it('a checkpoint with a missing tensor is named in the error', () => {
    const r = studio('embed', '--weights', join(R, 's14-d2-reg4/registers.orig.safetensors'), '--input', join(R, 'inputs/img_112x112.bin'), '--height', '112', '--width', '112', '--out', join(tmp, 'z.bin'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('checkpoint lacks tensor cls_token');
  });
});
