import { expect, it } from 'vitest';
import { describeInputs, mappingModalities, parseModalities, runInputs } from './inputs.ts';

const ALL = ['flair', 't1', 't1ce', 't2'] as const;
const both = { backbone: true, voxels: true };

it('an arm reads the modalities its mappings name, each once, in the studio order', () => {
  expect(mappingModalities([['flair', 'flair', 'flair']])).toEqual(['flair']);
  expect(mappingModalities([['t2', 'flair', null], ['t1ce', 't1ce', 't1ce']])).toEqual(['flair', 't1ce', 't2']);
});

it('the FLAIR-only arm of a voxel-and-backbone head computes its voxel inputs from FLAIR alone', () => {
  const i = runInputs({ mapping: ['flair', 'flair', 'flair'], modalities: ['flair'] }, [...ALL], both);
  expect(i).toEqual({ modalities: ['flair'], voxelModalities: ['flair'], voxelInputsFixed: false });
  expect(describeInputs(i)).toBe('reads FLAIR');
});

it('without a choice a single run reads every modality its cases share; a linear probe only what its mapping names', () => {
  expect(runInputs({ mapping: ['flair', 't1ce', 't2'] }, ['flair', 't1ce', 't2', 't1'], both).modalities).toEqual(['flair', 't1', 't1ce', 't2']);
  expect(runInputs({ mapping: ['flair', 't1ce', 't2'] }, [...ALL], { backbone: true, voxels: false })).toEqual({ modalities: ['flair', 't1ce', 't2'], voxelModalities: [], voxelInputsFixed: false });
  // A head on voxel inputs alone reads no mapping: its mapping is not held against the modalities.
  expect(runInputs({ mapping: ['flair', 't1ce', 't2'], modalities: ['flair'] }, [...ALL], { backbone: false, voxels: true }).modalities).toEqual(['flair']);
});

it('a mapping or an extra mapping that reads outside the run is an error naming both, never a silent read', () => {
  expect(() => runInputs({ mapping: ['flair', 't1ce', 't2'], modalities: ['flair'] }, [...ALL], both)).toThrow('the mapping flair,t1ce,t2 reads T1gd, T2, which this run may not read (it reads FLAIR)');
  expect(() => runInputs({ mapping: ['flair', 'flair', 'flair'], extraMappings: [['t1', 't1', 't1']], modalities: ['flair'] }, [...ALL], both)).toThrow('the mapping t1,t1,t1 reads T1, which this run may not read');
  expect(() => runInputs({ mapping: ['flair', 'flair', 'flair'], modalities: ['flair', 't2'] }, ['flair', 't1ce'], both)).toThrow('the run reads T2, which not every case has (they share FLAIR, T1gd)');
});

it('voxel inputs held fixed across arms are read by every arm and said so', () => {
  const i = runInputs({ mapping: ['flair', 'flair', 'flair'], modalities: ['flair'], voxelModalities: [...ALL] }, [...ALL], both);
  expect(i).toEqual({ modalities: [...ALL], voxelModalities: [...ALL], voxelInputsFixed: true });
  expect(describeInputs(i)).toBe('reads FLAIR, T1, T1gd, T2; voxel inputs held fixed across arms: FLAIR, T1, T1gd, T2');
  // A head without voxel inputs is untouched by it.
  expect(runInputs({ mapping: ['flair', 'flair', 'flair'], modalities: ['flair'], voxelModalities: [...ALL] }, [...ALL], { backbone: true, voxels: false })).toEqual({ modalities: ['flair'], voxelModalities: [], voxelInputsFixed: false });
});

it('reads the CLI spelling of modalities and refuses unknown ones', () => {
  expect(parseModalities('T2, flair')).toEqual(['flair', 't2']);
  expect(() => parseModalities('flair,t1c')).toThrow('unknown modality "t1c" (use flair, t1, t1ce, t2)');
  expect(() => parseModalities('')).toThrow('name at least one modality');
});
