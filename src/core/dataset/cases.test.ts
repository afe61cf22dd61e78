import { describe, expect, it } from 'vitest';
import { groupDatasetFiles } from './cases.ts';

const brats2021 = (id: string) => ['flair', 't1', 't1ce', 't2', 'seg'].map((m) => `BraTS2021_Training/${id}/${id}_${m}.nii.gz`);
const brats2023 = (id: string) => ['t2f', 't1n', 't1c', 't2w', 'seg'].map((m) => `ASNR-MICCAI-BraTS2023/${id}/${id}-${m}.nii.gz`);

describe('grouping a dataset folder into cases', () => {
  it('BraTS 2021: a folder per case, roles from the names, the folder name as id', () => {
    const { cases } = groupDatasetFiles([...brats2021('BraTS2021_00002'), ...brats2021('BraTS2021_00000'), 'BraTS2021_Training/README.txt']);
    expect(cases.map((c) => c.id)).toEqual(['BraTS2021_00000', 'BraTS2021_00002']);
    expect(cases[0]).toMatchObject({ modalities: ['flair', 't1', 't1ce', 't2'], hasLabels: true, problems: [] });
    expect(cases[0].files).toHaveLength(5);
  });

  it('BraTS 2023: -t2f/-t1n/-t1c/-t2w names', () => {
    const { cases } = groupDatasetFiles([...brats2023('BraTS-GLI-00000-000'), ...brats2023('BraTS-GLI-00002-000')]);
    expect(cases.map((c) => c.id)).toEqual(['BraTS-GLI-00000-000', 'BraTS-GLI-00002-000']);
    expect(cases[1].modalities).toEqual(['flair', 't1', 't1ce', 't2']);
    // files sorted by name: -seg, -t1c, -t1n, -t2f, -t2w
    expect(cases[1].roles).toEqual(['seg', 't1ce', 't1', 'flair', 't2']);
  });

  it('BraTS 2013/2015: a modality folder named like its file belongs to the case folder above it', () => {
    const mod = (c: string, m: string, n: number) => `BRATS2015/HGG/${c}/VSD.Brain.XX.O.MR_${m}.${n}/VSD.Brain.XX.O.MR_${m}.${n}.nii`;
    const files = ['brats_2013_pat0001_1', 'brats_2013_pat0002_1'].flatMap((c, i) => [mod(c, 'Flair', 100 + i), mod(c, 'T1c', 200 + i), mod(c, 'T2', 300 + i), `BRATS2015/HGG/${c}/VSD.Brain_3more.XX.O.OT.${400 + i}/VSD.Brain_3more.XX.O.OT.${400 + i}.nii`]);
    const { cases } = groupDatasetFiles(files);
    expect(cases.map((c) => c.id)).toEqual(['brats_2013_pat0001_1', 'brats_2013_pat0002_1']);
    expect(cases[0]).toMatchObject({ modalities: ['flair', 't1ce', 't2'], hasLabels: true, problems: [] });
  });

  it('a 2015-style case folder whose files share no prefix is one case, not four', () => {
    const { cases } = groupDatasetFiles(['real/pat0005/Flair_subtrMeanDivStd.nii.gz', 'real/pat0005/T1c_subtrMeanDivStd.nii.gz', 'real/pat0005/OTMultiClass.nii.gz', 'real/pat0005/brainmask.nii.gz']);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ id: 'pat0005', modalities: ['flair', 't1ce'], hasLabels: true });
  });

  it('a flat folder: files grouped by the case prefix before the modality', () => {
    const flat = ['A_01', 'A_02', 'B-07'].flatMap((id) => ['flair', 't1ce', 'seg'].map((m) => `flat/${id}_${m}.nii.gz`));
    expect(groupDatasetFiles(flat).cases.map((c) => [c.id, c.files.length])).toEqual([['A_01', 3], ['A_02', 3], ['B-07', 3]]);
  });

  it('broken cases among good ones are listed with their problems; the good one has none', () => {
    const files = [...brats2021('BraTS2021_00000'), 'BraTS2021_Training/BraTS2021_00001/notes.nii.gz', ...brats2021('BraTS2021_00003'), 'BraTS2021_Training/BraTS2021_00003/BraTS2021_00003_flair_copy2.nii.gz'];
    const { cases } = groupDatasetFiles(files);
    expect(cases.map((c) => [c.id, c.problems.length])).toEqual([['BraTS2021_00000', 0], ['BraTS2021_00001', 1], ['BraTS2021_00003', 1]]);
    expect(cases[1].problems[0]).toMatch(/no file is named as an MRI modality/);
    expect(cases[2].problems[0]).toBe('2 files are named as flair: keep one');
  });

  it('two files of one modality in a case are a problem named for the modality', () => {
    const { cases } = groupDatasetFiles(['d/c1/c1_flair.nii.gz', 'd/c1/c1_FLAIR.nii', 'd/c1/c1_t1.nii.gz']);
    expect(cases[0].problems).toEqual(['2 files are named as flair: keep one']);
  });

  it('two folders of the same name in different places are told apart by a problem, not merged', () => {
    const { cases } = groupDatasetFiles(['train/c1/c1_flair.nii.gz', 'val/c1/c1_flair.nii.gz']);
    expect(cases).toHaveLength(2);
    expect(cases[0].problems[0]).toMatch(/two folders are named c1/);
  });

  it('MetaImage files are skipped with the reason, not silently', () => {
    const { cases, skipped } = groupDatasetFiles(['d/p1/VSD.Brain.XX.O.MR_Flair.1/VSD.Brain.XX.O.MR_Flair.1.mha']);
    expect(cases).toEqual([]);
    expect(skipped[0].reason).toMatch(/convert it to \.nii\.gz/);
  });
});
