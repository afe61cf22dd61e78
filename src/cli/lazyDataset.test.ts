import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { generateSyntheticCase } from '../core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../core/synthetic/files.ts';
import { parseArgs } from './args.ts';
import { caseFolders } from './commands/runSetup.ts';

/** Three small synthetic cases as BraTS 2021 folders; the second one's FLAIR cut short. */
function dataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-dataset-'));
  for (const seed of [1, 2, 3]) {
    const c = generateSyntheticCase({ seed, dims: [24, 24, 12] });
    mkdirSync(join(dir, c.id));
    for (const f of syntheticCaseFiles(c)) writeFileSync(join(dir, c.id, f.name), f.name.includes('_flair') && seed === 2 ? f.bytes.subarray(0, 100) : f.bytes);
  }
  return dir;
}

it('--dataset checks every case by its file names and decodes none: a case is read when a step loads it, afresh each time', async () => {
  const args = parseArgs(['--dataset', dataset(), '--split-seed', '1', '--test-fraction', '0.34']);
  const { train, test } = caseFolders(args, true, [['flair', 't1ce', 't2']]);
  const cases = [...train, ...test];
  expect(cases.map((c) => c.id).sort()).toEqual(['synthetic-1', 'synthetic-2', 'synthetic-3']);
  for (const c of cases) expect(c).toMatchObject({ modalities: ['flair', 't1', 't1ce', 't2'], hasLabels: true });

  // The broken file surfaces only when its case is decoded, naming the file.
  await expect(cases.find((c) => c.id === 'synthetic-2')!.load()).rejects.toThrow(/synthetic-2_flair\.nii\.gz/);
  const good = cases.find((c) => c.id === 'synthetic-3')!;
  const first = await good.load();
  expect(first.dims).toEqual([24, 24, 12]);
  expect(first.labels!.some((v) => v > 0)).toBe(true);
  const again = await good.load();
  expect(again.volumes.flair).not.toBe(first.volumes.flair);
  expect(again.volumes.flair).toEqual(first.volumes.flair);
});

it('a dataset case without a label map by its names is refused before anything is decoded', () => {
  const dir = dataset();
  const c = generateSyntheticCase({ seed: 4, dims: [24, 24, 12] });
  mkdirSync(join(dir, c.id));
  for (const f of syntheticCaseFiles(c).filter((f) => !f.name.includes('_seg'))) writeFileSync(join(dir, c.id, f.name), f.bytes);
  const args = parseArgs(['--dataset', dir, '--split-seed', '1', '--test-fraction', '0.5']);
  expect(() => caseFolders(args, true, [['flair', 't1ce', 't2']])).toThrow(/case synthetic-4 has no label map by its file names/);
});

it('what reading a dataset case has to say (its label-map choice) is said once, however often a run decodes it', async () => {
  const dir = dataset();
  const c = generateSyntheticCase({ seed: 3, dims: [24, 24, 12] });
  const seg = syntheticCaseFiles(c).find((f) => f.name.endsWith('_seg.nii.gz'))!;
  writeFileSync(join(dir, c.id, `${c.id}_seg_old.nii.gz`), seg.bytes);
  const { train, test } = caseFolders(parseArgs(['--dataset', dir, '--split-seed', '1', '--test-fraction', '0.34']), true, [['flair', 't1ce', 't2']]);
  const said: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => (said.push(String(text)), true));
  try {
    const three = [...train, ...test].find((x) => x.id === c.id)!;
    await three.load();
    await three.load();
  } finally {
    spy.mockRestore();
  }
  expect(said.filter((t) => t.includes('other label maps'))).toHaveLength(1);
});
