import { describe, expect, it } from 'vitest';
import { nextStep, STEPS, stepStatus, type WorkState } from './stepStatus.ts';

const empty: WorkState = { caseId: null, hasLabels: false, model: null, extractedSlices: null, headReadsBackbone: false, trained: false, scribbled: false, experiments: 0 };
const states = (w: WorkState) => Object.fromEntries(STEPS.map((s) => [s.id, stepStatus(s.id, w).state]));

describe('guided steps', () => {
  it('a first visit: only the case is asked for; the backbone is optional for the default head', () => {
    expect(states(empty)).toEqual({ case: 'needs', model: 'optional', features: 'needs', train: 'needs', compare: 'needs', dataset: 'optional', experiments: 'optional' });
    expect(nextStep('case', empty)).toBe('features');
  });

  it('a case with a label map and the default head: training is ready with no model and no features', () => {
    const w = { ...empty, caseId: 'BraTS2021_00000', hasLabels: true };
    expect(states(w)).toMatchObject({ case: 'done', model: 'optional', features: 'optional', train: 'ready', compare: 'needs' });
    expect(stepStatus('case', w).summary).toBe('BraTS2021_00000');
    expect(nextStep('case', w)).toBe('train');
  });

  it('a head on the backbone needs the model, then features, before training', () => {
    const w = { ...empty, caseId: 'c', hasLabels: true, headReadsBackbone: true };
    expect(states(w)).toMatchObject({ model: 'ready', features: 'needs', train: 'needs' });
    expect(nextStep('case', w)).toBe('model');
    const withModel = { ...w, model: 'ViT-S/14' };
    expect(states(withModel)).toMatchObject({ model: 'done', features: 'ready', train: 'needs', compare: 'ready' });
    expect(nextStep('model', withModel)).toBe('features');
    const extracted = { ...withModel, extractedSlices: 140 };
    expect(stepStatus('features', extracted)).toEqual({ state: 'done', summary: '140 slices' });
    expect(stepStatus('train', extracted).state).toBe('ready');
  });

  it('a case without a label map is scribbled on at once (the voxel head needs no features); comparisons need the labels', () => {
    const w = { ...empty, caseId: 'c' };
    expect(stepStatus('train', w)).toEqual({ state: 'ready', summary: 'no label map: scribble' });
    expect(stepStatus('train', { ...w, model: 'ViT-S/14', extractedSlices: 120 })).toEqual({ state: 'ready', summary: 'no label map: scribble' });
    expect(stepStatus('compare', w)).toEqual({ state: 'needs', summary: 'a label map to score against' });
  });

  it('done steps are skipped by Next; the last step has none', () => {
    const w = { ...empty, caseId: 'c', hasLabels: true, model: 'm', extractedSlices: 10, trained: true, experiments: 2 };
    expect(states(w)).toEqual({ case: 'done', model: 'done', features: 'done', train: 'done', compare: 'ready', dataset: 'optional', experiments: 'done' });
    expect(nextStep('case', w)).toBe('compare');
    // Nothing after Compare asks for work: Next offers the step that follows.
    expect(nextStep('compare', w)).toBe('dataset');
    expect(nextStep('experiments', w)).toBeNull();
  });
});

it('a step whose work runs says so, whatever else it has', () => {
  const w: WorkState = { ...empty, caseId: 'c', hasLabels: true, model: 'm', extractedSlices: 10, running: { features: true, train: false } };
  expect(stepStatus('features', w)).toEqual({ state: 'running', summary: 'extracting features' });
  expect(stepStatus('train', w).state).toBe('ready');
});

it('the dataset step: optional until a folder is open, then it needs a model, then it is ready, done once tested', () => {
  expect(stepStatus('dataset', empty)).toEqual({ state: 'optional', summary: 'open a folder of cases' });
  const opened: WorkState = { ...empty, dataset: { cases: 6, tested: false } };
  expect(stepStatus('dataset', opened)).toEqual({ state: 'needs', summary: 'a model' });
  expect(stepStatus('dataset', { ...opened, model: 'm' }).state).toBe('ready');
  expect(stepStatus('dataset', { ...opened, model: 'm', dataset: { cases: 6, tested: true } })).toEqual({ state: 'done', summary: '6 cases, tested' });
  expect(stepStatus('dataset', { ...opened, running: { dataset: true } }).state).toBe('running');
});
