import { describe, expect, it } from 'vitest';
import { caseNamingScheme, detectRole } from './roles.ts';

const role = (name: string) => detectRole(name)?.role ?? null;

describe('detectRole', () => {
  it.each([
    // BraTS 2021
    ['BraTS2021_00000_flair.nii.gz', 'flair'],
    ['BraTS2021_00000_t1.nii.gz', 't1'],
    ['BraTS2021_00000_t1ce.nii.gz', 't1ce'],
    ['BraTS2021_00000_t2.nii.gz', 't2'],
    ['BraTS2021_00000_seg.nii.gz', 'seg'],
    ['BRATS2021_00000_FLAIR.NII.GZ', 'flair'],
    // BraTS 2023
    ['BraTS-GLI-00000-000-t2f.nii.gz', 'flair'],
    ['BraTS-GLI-00000-000-t1n.nii.gz', 't1'],
    ['BraTS-GLI-00000-000-t1c.nii.gz', 't1ce'],
    ['BraTS-GLI-00000-000-t2w.nii.gz', 't2'],
    ['BraTS-GLI-00000-000-seg.nii.gz', 'seg'],
    // BraTS 2013/2015
    ['VSD.Brain.XX.O.MR_Flair.54512.nii', 'flair'],
    ['VSD.Brain.XX.O.MR_T1.54513.nii', 't1'],
    ['VSD.Brain.XX.O.MR_T1c.54514.nii', 't1ce'],
    ['VSD.Brain.XX.O.MR_T2.54515.nii', 't2'],
    ['VSD.Brain_3more.XX.O.OT.54517.nii', 'seg'],
    ['Flair_subtrMeanDivStd.nii.gz', 'flair'],
    ['T1c_subtrMeanDivStd.nii.gz', 't1ce'],
    ['OTMultiClass.nii.gz', 'seg'],
    // variants
    ['OtherEXampleFromTCIA_fla_bet.nii.gz', 'flair'],
    ['OtherEXampleFromTCIA_t1_bet.nii.gz', 't1'],
    ['patient7_T1gd.nii', 't1ce'],
    ['patient7-t1post.nii.gz', 't1ce'],
    ['patient7_T2_FLAIR.nii.gz', 'flair'],
    ['patient7_T1_Gd.nii.gz', 't1ce'],
    ['patient7_label.nii.gz', 'seg'],
    ['patient7_tumor_mask.nii.gz', 'seg'],
    ['brainmask.nii.gz', 'brainmask'],
    ['patient7_brain_mask.nii.gz', 'brainmask'],
    ['/some/folder/case_t2.nii', 't2'],
    ['notes.txt', null],
    ['anatomy.nii.gz', null],
  ])('%s -> %s', (name, expected) => {
    expect(role(name)).toBe(expected);
  });
});

describe('caseNamingScheme', () => {
  it('tells BraTS 2023 cases (label 3 = enhancing) from 2015 ones (label 3 = non-enhancing)', () => {
    expect(caseNamingScheme(['BraTS-GLI-00000-000-t2f.nii.gz', 'BraTS-GLI-00000-000-seg.nii.gz'])).toBe('brats2023');
    expect(caseNamingScheme(['Flair_subtrMeanDivStd.nii.gz', 'OTMultiClass.nii.gz'])).toBe('brats2015');
    expect(caseNamingScheme(['BraTS2021_00000_flair.nii.gz', 'BraTS2021_00000_seg.nii.gz'])).toBe('brats2021');
    expect(caseNamingScheme(['a.nii'])).toBe('generic');
  });
});
