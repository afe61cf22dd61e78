import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAD } from '../core/heads/headSettings.ts';
import { UsageError } from './args.ts';
import { ablationVariants, parseVariant } from './headFlags.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const studio = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
const base = { mapping: ['flair', 't1ce', 't2'] as ['flair', 't1ce', 't2'], head: DEFAULT_HEAD };

describe('ablation variants', () => {
  it('parses key=value pairs over the base settings, commas inside values', () => {
    const v = parseVariant('head=fine;context=1;mapping=flair,flair,flair;post=hierarchy,holes;extra=t1,t1,t1+t2,t2,t2', base);
    expect(v.mapping).toEqual(['flair', 'flair', 'flair']);
    expect(v.head).toMatchObject({ head: 'fine', context: 1, hidden: DEFAULT_HEAD.hidden, postprocess: { hierarchy: true, components: false, holes: true } });
    expect(v.head.extraMappings).toEqual([['t1', 't1', 't1'], ['t2', 't2', 't2']]);
    expect(parseVariant('head=linear', base)).toMatchObject({ name: "Linear probe (the seed's baseline)", head: { head: 'linear', hidden: [] } });
    expect(() => parseVariant('head=forest', base)).toThrow(UsageError);
    expect(() => parseVariant('depth=3', base)).toThrow(/unknown setting "depth"/);
    expect(parseVariant('head=fine;planes=axial,coronal,sagittal', base).head.planes).toEqual(['axial', 'coronal', 'sagittal']);
    expect(() => parseVariant('planes=axial,oblique', base)).toThrow(/unknown plane "oblique"/);
  });

  it('always adds the voxel inputs alone and the backbone alone', () => {
    expect(ablationVariants(['head=linear', 'head=fine'], base).map((v) => v.head.head)).toEqual(['linear', 'fine', 'voxels', 'mlp']);
    expect(ablationVariants(['head=voxels;post=none', 'head=mlp'], base).map((v) => v.head.head)).toEqual(['voxels', 'mlp']);
  });
});

it('compare --variants: one row per arm, the CSV agrees with the table, the report names what differs', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'variants-'));
  const weights = join(tmp, 'tiny.safetensors');
  expect(studio('synth', '--out', tmp, '--dims', '96,96,48', '--seed', '31', '--count', '2').status).toBe(0);
  expect(studio('make-checkpoint', '--preset', 'tiny', '--out', weights).status).toBe(0);
  const csv = join(tmp, 'ablation.csv');
  const html = join(tmp, 'ablation.html');
  const r = studio('compare', '--train', join(tmp, 'synthetic-31'), '--test', join(tmp, 'synthetic-32'), '--mapping', 'flair,t1ce,t2', '--variants', 'head=linear', 'head=voxels;post=none', 'head=fine;planes=axial,sagittal', '--weights', weights, '--epochs', '2', '--seed', '3', '--csv', csv, '--html', html);
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.experiments.map((e: { name: string }) => e.name)).toEqual(["Linear probe (the seed's baseline)", 'head=voxels;post=none', 'head=fine;planes=axial,sagittal', 'MLP on backbone features']);
  // Announced before it ran: the two planes the runs read, slices with brain at most the grid's.
  expect(out.extractionEstimate.firstCase.map((p: { plane: string }) => p.plane)).toEqual(['axial', 'sagittal']);
  const [axial, sagittal] = out.extractionEstimate.firstCase;
  expect(axial.slices).toBeGreaterThan(10);
  expect(axial.slices).toBeLessThanOrEqual(48);
  expect(sagittal.slices).toBeGreaterThan(axial.slices);
  expect(sagittal.slices).toBeLessThanOrEqual(96);
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '')));
  for (const e of out.experiments) {
    for (const region of ['WT', 'TC', 'ET']) {
      const row = rows.find((x) => x[0] === e.name && x[8] === region)!;
      expect(Number(row[9])).toBeCloseTo(e.dice[region].mean, 3);
    }
  }
  const report = readFileSync(html, 'utf8');
  expect(report).toContain('Differs: head: ');
  expect(report).toContain('post-processing hierarchy');
  expect(report).toContain('planes');
}, 400_000);
