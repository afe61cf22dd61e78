import { describe, expect, it } from 'vitest';
import { headerFor, writeNifti } from '../nifti/write.ts';
import { loadVolume } from '../volume.ts';
import { assembleCase, type CaseFile } from './case.ts';
import { chooseLabelMap, labelSource, rankLabelMaps, withRole } from './labelCandidates.ts';
import { readCaseFiles } from './load.ts';
import { applyRoleOverrides, parseRoleOverride } from './roleOverrides.ts';
import { detectRole } from './roles.ts';

describe('labelSource', () => {
  it.each([
    ['Brats18_CBICA_ABM_1_seg.nii.gz', 'expert'],
    ['OTMultiClass.nii.gz', 'expert'],
    ['VSD.Brain_3more.XX.O.OT.54517.nii', 'expert'],
    ['GOLD_STANDARD_lesions.nii.gz', 'expert'],
    ['ground_truth.nii.gz', 'expert'],
    ['patient7_tumor_mask.nii.gz', 'expert'],
    ['seg_rater2.nii.gz', 'expert'],
    ['TCGA-02-0006_GlistrBoost_ManuallyCorrected.nii.gz', 'expert'],
    ['fusion_mav.nii.gz', 'fusion'],
    ['OtherEXampleFromTCIA_seg_fusion.nii.gz', 'fusion'],
    ['seg_staple.nii.gz', 'fusion'],
    ['seg_deepmedic.nii.gz', 'algorithm'],
    ['seg_dkfz_netw_fabian.nii.gz', 'algorithm'],
  ])('%s -> %s', (name, source) => {
    expect(labelSource(name)).toBe(source);
  });
});

describe('label-map names the loader recognises', () => {
  it.each(['GOLD_STANDARD_lesions.nii.gz', 'fusion_mav.nii.gz', 'case_consensus.nii.gz', 'gt.nii.gz', 'patient_roi.nii', 'sub-01_lesion_mask.nii.gz', 'annotation.nii.gz'])(
    '%s is a label map',
    (name) => expect(detectRole(name)?.role).toBe('seg'),
  );
  it('keeps modality names from matching', () => {
    expect(detectRole('lesion_flair.nii.gz')?.role).toBe('flair');
    expect(detectRole('gt_case_T1c.nii.gz')?.role).toBe('t1ce');
  });
});

describe('rankLabelMaps', () => {
  it('puts expert names first, then fusions, then single algorithms, whatever the order given', () => {
    const names = ['seg_deepmedic.nii.gz', 'fusion_mav.nii.gz', 'seg_dkfz.nii.gz', 'GOLD_STANDARD.nii.gz', 'seg_zhouch.nii.gz'];
    const want = ['GOLD_STANDARD.nii.gz', 'fusion_mav.nii.gz', 'seg_deepmedic.nii.gz', 'seg_dkfz.nii.gz', 'seg_zhouch.nii.gz'];
    expect(rankLabelMaps(names)).toEqual(want);
    expect(rankLabelMaps([...names].reverse())).toEqual(want);
  });
});

const d: [number, number, number] = [3, 2, 2];
function file(name: string, values: (i: number) => number, dims = d): CaseFile {
  const bytes = writeNifti(headerFor(dims, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 16), Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, (_, i) => values(i)));
  return { name, role: detectRole(name)?.role ?? 'ignore', volume: loadVolume(bytes, name) };
}

describe('a case with several label maps', () => {
  const flair = file('case_flair.nii', (i) => i);
  const algo = file('seg_deepmedic.nii', (i) => (i % 2 ? 2 : 0));
  const fused = file('fusion_mav.nii', (i) => (i % 3 ? 4 : 0));
  it('loads with the best map as the truth and the others as alternatives', () => {
    const files = chooseLabelMap([flair, algo, fused]);
    expect(files.map((f) => f.role)).toEqual(['flair', 'altseg', 'seg']);
    const c = assembleCase(files);
    expect(c.labels!.fileName).toBe('fusion_mav.nii');
    expect(Array.from(c.labels!.data)).toEqual(Array.from(fused.volume.data));
    expect(c.labelAlternatives).toEqual(['seg_deepmedic.nii']);
  });
  it('switches to an alternative, keeping the one it replaces at hand', () => {
    const c = assembleCase(withRole(chooseLabelMap([flair, algo, fused]), 'seg_deepmedic.nii', 'seg'));
    expect(c.labels!.fileName).toBe('seg_deepmedic.nii');
    expect(Array.from(c.labels!.data)).toEqual(Array.from(algo.volume.data));
    expect(c.labelAlternatives).toEqual(['fusion_mav.nii']);
  });
  it('an alternative on another grid is kept; choosing it resamples it onto the case grid', () => {
    const other = file('seg_other.nii', () => 0, [3, 2, 3]);
    const files = chooseLabelMap([flair, fused, other]);
    expect(assembleCase(files).labelAlternatives).toEqual(['seg_other.nii']);
    const chosen = assembleCase(withRole(files, 'seg_other.nii', 'seg'));
    expect(chosen.grid.resampled).toEqual(['seg_other.nii']);
    expect(chosen.labels!.data.length).toBe(flair.volume.data.length);
  });
  it('the reader applies the same choice to files straight from bytes', () => {
    const bytes = (f: CaseFile) => ({ name: f.name, bytes: writeNifti(f.volume.source.header, f.volume.data) });
    const { loaded } = readCaseFiles([bytes(algo), bytes(flair), bytes(fused)]);
    expect(Object.fromEntries(loaded.map((f) => [f.name, f.role]))).toEqual({ 'seg_deepmedic.nii': 'altseg', 'case_flair.nii': 'flair', 'fusion_mav.nii': 'seg' });
  });
});

describe('role overrides', () => {
  const flair = file('case_flair.nii', (i) => i);
  const gold = file('GOLD_STANDARD_lesions.nii', (i) => i % 2);
  const algo = file('seg_deepmedic.nii', (i) => (i % 3 ? 1 : 0));
  it('read PATTERN=ROLE, and name the roles when one is unknown', () => {
    expect(parseRoleOverride('GOLD_STANDARD*=seg')).toEqual({ pattern: 'GOLD_STANDARD*', role: 'seg' });
    expect(() => parseRoleOverride('x*=label')).toThrow(/unknown role "label"; roles are flair, t1, t1ce, t2, seg, altseg, brainmask, ignore/);
    expect(() => parseRoleOverride('seg')).toThrow(/PATTERN=ROLE/);
  });
  it('set roles by glob, any case; a new label map keeps the old one as an alternative', () => {
    const base = chooseLabelMap([flair, gold, algo]);
    expect(assembleCase(base).labels!.fileName).toBe('GOLD_STANDARD_lesions.nii');
    const { files, unmatched } = applyRoleOverrides(base, [parseRoleOverride('SEG_*.nii=seg'), parseRoleOverride('*.txt=ignore')]);
    const c = assembleCase(files);
    expect(c.labels!.fileName).toBe('seg_deepmedic.nii');
    expect(c.labelAlternatives).toEqual(['GOLD_STANDARD_lesions.nii']);
    expect(unmatched).toEqual(['*.txt']);
  });
  it('? matches one character and dots are literal', () => {
    const { files } = applyRoleOverrides([flair, file('a_x1.nii', () => 0), file('a_x12.nii', () => 0)], [parseRoleOverride('a_x?.nii=brainmask')]);
    expect(files.map((f) => f.role)).toEqual(['flair', 'brainmask', 'ignore']);
  });
});
