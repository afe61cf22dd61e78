import { describe, expect, it } from 'vitest';
import { conventionEvidence, inferConvention, LabelError, toStudioLabels } from './labels.ts';

describe('label conventions', () => {
  it('BraTS 2015: non-enhancing (3) joins necrosis (1) in the core; 4 stays enhancing', () => {
    expect(Array.from(toStudioLabels([0, 1, 2, 3, 4], 'brats2015'))).toEqual([0, 1, 2, 1, 4]);
  });
  it('BraTS 2023: enhancing 3 becomes 4', () => {
    expect(Array.from(toStudioLabels([0, 1, 2, 3], 'brats2023'))).toEqual([0, 1, 2, 4]);
  });
  it('BraTS 2021 is the studio convention', () => {
    expect(Array.from(toStudioLabels([0, 1, 2, 4], 'brats2021'))).toEqual([0, 1, 2, 4]);
  });
  it('unexpected values are an error that names them', () => {
    expect(() => toStudioLabels([0, 1, 5, 2.5], 'brats2021')).toThrow(LabelError);
    expect(() => toStudioLabels([0, 1, 5, 2.5], 'brats2021')).toThrow(/unexpected values 2\.500, 5/);
    expect(() => toStudioLabels([0, 4], 'brats2023')).toThrow(/unexpected values 4/);
  });
  it('infers the convention from values, and from the naming scheme when 3 stands alone', () => {
    expect(inferConvention([0, 1, 2, 3, 4])).toBe('brats2015');
    expect(inferConvention([0, 1, 2, 4])).toBe('brats2021');
    expect(inferConvention([0, 1, 2, 3])).toBe('brats2023');
    expect(inferConvention([0, 1, 2, 3], 'brats2015')).toBe('brats2015');
    expect(inferConvention([0, 2], 'brats2023')).toBe('brats2023');
  });
});

describe('conventionEvidence', () => {
  it('is decided only when the values tell conventions apart', () => {
    expect(conventionEvidence([0, 1, 2, 4]).decided).toBe(true);
    expect(conventionEvidence([0, 1, 2, 3, 4]).decided).toBe(true);
    expect(conventionEvidence([0, 1, 2, 3])).toMatchObject({ decided: false, text: expect.stringContaining('guessed from the file names') });
    expect(conventionEvidence([0, 1, 2])).toMatchObject({ decided: false, text: expect.stringContaining('values 0, 1, 2 read the same in every BraTS convention') });
  });
});
