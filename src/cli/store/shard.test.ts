import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casePrefix } from '../../core/dataset/cases.ts';
import { datasetCases } from './dataset.ts';
import { parseShard, shardFromEnvironment, takeShard } from './shard.ts';

describe('shards of a job array', () => {
  it('--shard K/N', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5, from: '--shard' });
    expect(() => parseShard('5/5')).toThrow('shard 5 of 5 does not exist');
    expect(() => parseShard('1-4')).toThrow('--shard takes K/N');
  });

  it('SLURM arrays: by count, or by min and max (an array 1-8 is 8 shards, task 1 the first)', () => {
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({ index: 3, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8' })).toMatchObject({ index: 0, count: 8 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '8' })).toMatchObject({ index: 7, count: 8 });
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2' })).toThrow('give --shards N');
  });

  it('Kubernetes indexed jobs take the count from --shards', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' }, 3)).toMatchObject({ index: 2, count: 3, from: 'Kubernetes indexed job' });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' })).toThrow("give --shards N (the Job's completions)");
    expect(shardFromEnvironment({})).toEqual({ index: 0, count: 1, from: 'no job array' });
  });

  it('N shards cover every case exactly once, whatever order the cases were listed in', () => {
    const ids = ['c', 'a', 'e', 'b', 'g', 'd', 'f'];
    const taken = [0, 1, 2].map((index) => takeShard(ids, (x) => x, { index, count: 3, from: 'test' }));
    expect(taken).toEqual([
      ['a', 'd', 'g'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
    expect(takeShard([...ids].reverse(), (x) => x, { index: 1, count: 3, from: 'test' })).toEqual(['b', 'e']);
  });
});

describe('the cases of a dataset folder', () => {
  it.each([
    ['BraTS2021_00000_flair.nii.gz', 'BraTS2021_00000'],
    ['BraTS2021_00000_seg.nii.gz', 'BraTS2021_00000'],
    ['BraTS-GLI-00000-000-t2f.nii.gz', 'BraTS-GLI-00000-000'],
    ['Brats18_CBICA_ABM_1_t1ce.nii', 'Brats18_CBICA_ABM_1'],
  ])('%s belongs to %s', (name, id) => expect(casePrefix(name)).toBe(id));

  it('a folder per case, and a flat folder grouped by prefix', () => {
    const root = mkdtempSync(join(tmpdir(), 'dataset-'));
    for (const c of ['BraTS2021_00002', 'BraTS2021_00001']) {
      mkdirSync(join(root, 'folders', c), { recursive: true });
      for (const m of ['flair', 'seg']) writeFileSync(join(root, 'folders', c, `${c}_${m}.nii.gz`), '');
    }
    writeFileSync(join(root, 'folders', 'README.txt'), '');
    mkdirSync(join(root, 'flat'));
    for (const c of ['BraTS-GLI-00001-000', 'BraTS-GLI-00000-000']) for (const m of ['t2f', 't1c', 'seg']) writeFileSync(join(root, 'flat', `${c}-${m}.nii.gz`), '');
    expect(datasetCases(join(root, 'folders')).map((c) => [c.id, c.paths.length])).toEqual([
      ['BraTS2021_00001', 2],
      ['BraTS2021_00002', 2],
    ]);
    expect(datasetCases(join(root, 'flat')).map((c) => [c.id, c.paths.length])).toEqual([
      ['BraTS-GLI-00000-000', 3],
      ['BraTS-GLI-00001-000', 3],
    ]);
  });
});
