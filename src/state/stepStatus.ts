/**
 * What each step of the guided workflow has, from the state of the work: pure, so the headers,
 * the "Next" button and the tests read the same rules.
 */
export type StepId = 'case' | 'model' | 'features' | 'train' | 'compare' | 'dataset' | 'experiments';

export const STEPS: { id: StepId; title: string }[] = [
  { id: 'case', title: 'Case' },
  { id: 'model', title: 'Model' },
  { id: 'features', title: 'Features' },
  { id: 'train', title: 'Train or scribble' },
  { id: 'compare', title: 'Compare' },
  { id: 'dataset', title: 'Dataset: many cases' },
  { id: 'experiments', title: 'Experiments' },
];

export type StepState = 'running' | 'done' | 'ready' | 'optional' | 'needs';

export interface StepStatus {
  state: StepState;
  /** A few words beside the step's title: what is done, or what it needs. */
  summary: string;
}

export interface WorkState {
  caseId: string | null;
  hasLabels: boolean;
  model: string | null;
  extractedSlices: number | null;
  headReadsBackbone: boolean;
  trained: boolean;
  scribbled: boolean;
  experiments: number;
  /** The dataset workspace: its cases and whether a run trained on some and tested on others. */
  dataset?: { cases: number; tested: boolean };
  /** Work in progress, so a closed step's header still says what runs in it. */
  running?: { model?: boolean; features?: boolean; train?: boolean; compare?: boolean; dataset?: boolean };
}

const RUNNING: Partial<Record<StepId, string>> = { model: 'loading the model', features: 'extracting features', train: 'training', compare: 'comparing', dataset: 'working through the cases' };

export function stepStatus(id: StepId, w: WorkState): StepStatus {
  if (w.running?.[id as keyof NonNullable<WorkState['running']>]) return { state: 'running', summary: RUNNING[id]! };
  switch (id) {
    case 'case':
      return w.caseId ? { state: 'done', summary: w.caseId } : { state: 'needs', summary: 'drop files or load the sample case' };
    case 'model':
      if (w.model) return { state: 'done', summary: w.model };
      return w.headReadsBackbone ? { state: 'ready', summary: 'load a backbone' } : { state: 'optional', summary: 'the default head reads no backbone' };
    case 'features':
      if (w.extractedSlices !== null) return { state: 'done', summary: `${w.extractedSlices} slices` };
      if (!w.caseId) return { state: 'needs', summary: 'a case' };
      if (!w.model) return { state: w.headReadsBackbone ? 'needs' : 'optional', summary: w.headReadsBackbone ? 'a model' : 'only for heads on the backbone' };
      return { state: 'ready', summary: 'extract patch features' };
    case 'train':
      if (w.trained || w.scribbled) return { state: 'done', summary: w.trained ? 'head trained' : 'scribbles' };
      if (!w.caseId) return { state: 'needs', summary: 'a case' };
      if (!w.hasLabels) return { state: 'ready', summary: 'no label map: scribble' };
      if (w.headReadsBackbone && w.extractedSlices === null) return { state: 'needs', summary: 'features for this head' };
      return { state: 'ready', summary: 'train a head' };
    case 'compare':
      if (!w.caseId || !w.hasLabels) return { state: 'needs', summary: w.caseId ? 'a label map to score against' : 'a case with a label map' };
      if (!w.model) return { state: 'needs', summary: 'a model' };
      return { state: 'ready', summary: 'run a comparison' };
    case 'dataset':
      if (w.dataset?.tested) return { state: 'done', summary: `${w.dataset.cases} cases, tested` };
      if (w.dataset?.cases) return { state: w.model ? 'ready' : 'needs', summary: w.model ? `${w.dataset.cases} cases: train on some, test on others` : 'a model' };
      return { state: 'optional', summary: 'open a folder of cases' };
    case 'experiments':
      return w.experiments ? { state: 'done', summary: `${w.experiments} kept` } : { state: 'optional', summary: 'none yet' };
  }
}

/** The step to suggest after `id`: the next one that is not done and not merely optional. */
export function nextStep(id: StepId, w: WorkState): StepId | null {
  const after = STEPS.slice(STEPS.findIndex((s) => s.id === id) + 1);
  return after.find((s) => ['running', 'ready', 'needs'].includes(stepStatus(s.id, w).state))?.id ?? after[0]?.id ?? null;
}

