import { describe, expect, it } from 'vitest';
import { assembleCase, caseVolumes } from '../core/case/case.ts';
import { readCaseFiles } from '../core/case/load.ts';
import { generateSyntheticCase } from '../core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../core/synthetic/files.ts';
import { assembleKept, keepRead } from './keptFiles.ts';

const read = (seed: number) => readCaseFiles(syntheticCaseFiles(generateSyntheticCase({ seed, dims: [24, 20, 12] }), { gzip: false }), () => undefined).loaded;

describe('files kept in the worker', () => {
  it('gives the page copies and assembles, from handles, the case the page assembles from its copies', () => {
    const { files, transfer } = keepRead(read(1));
    expect(transfer).toHaveLength(files.length);
    // Moving the page's copies away leaves the worker's own intact.
    const page = files.map((f) => ({ ...f, volume: { ...f.volume, data: f.volume.data.slice() } }));
    for (const f of files) structuredClone(f.volume.data.buffer, { transfer: [f.volume.data.buffer as ArrayBuffer] });
    // The user made the T2 "ignore": the page's case and the worker's agree without it.
    const roles = page.map((f) => (f.name.endsWith('_t2.nii') ? { ...f, role: 'ignore' as const } : f));
    const expected = caseVolumes(assembleCase(roles, { id: 'case-a' }));
    const got = assembleKept({ id: 'case-a', files: roles.filter((f) => f.role !== 'ignore').map((f) => ({ kept: f.kept!, name: f.name, role: f.role })) });
    expect(got).not.toBeNull();
    expect(Object.keys(got!.volumes).sort()).toEqual(['flair', 't1', 't1ce']);
    expect(got!.dims).toEqual(expected.dims);
    for (const m of ['flair', 't1', 't1ce'] as const) expect(Array.from(got!.volumes[m]!)).toEqual(Array.from(expected.volumes[m]!));
    expect(Array.from(got!.labels!)).toEqual(Array.from(expected.labels!));
  });

  it('lets go of a case neither read last nor in use, and says so instead of guessing', () => {
    const first = keepRead(read(2)).files;
    const firstCase = { id: 'a', files: first.map((f) => ({ kept: f.kept!, name: f.name, role: f.role })) };
    expect(assembleKept(firstCase)).not.toBeNull();
    const second = keepRead(read(3)).files;
    // The first is still the case in use: a label map read now may join it.
    expect(assembleKept(firstCase)).not.toBeNull();
    expect(assembleKept({ id: 'b', files: second.map((f) => ({ kept: f.kept!, name: f.name, role: f.role })) })).not.toBeNull();
    keepRead(read(4));
    expect(assembleKept(firstCase)).toBeNull();
  });
});
