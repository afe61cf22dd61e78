import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_CASES } from '../../test/nibabel.ts';

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

  it('synth writes a case that info reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    expect(studio('synth', '--out', dir, '--dims', '64,64,40', '--seed', '11').code).toBe(0);
    const out = JSON.parse(studio('info', dir).stdout);
    expect(out.files.map((f: { role: string }) => f.role).sort()).toEqual(['flair', 'seg', 't1', 't1ce', 't2']);
    expect(out.labels.fileValues).toEqual([0, 1, 2, 4]);
  });

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
