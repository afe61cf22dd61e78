/**
 * The sidebar as a guided workflow: Case → Model → Features → Train or scribble → Compare → Dataset →
 * Experiments, one step open at a time, each saying whether it is done, ready, optional or what
 * it needs, read off the stores that hold the work itself.
 */
import { create } from 'zustand';
import { usesBackbone } from '../core/heads/headSettings.ts';
import { useCase } from './case.ts';
import { useExperiments } from './experiments.ts';
import { useFeatures } from './features.ts';
import { useModel } from './model.ts';
import { useScribbles } from './scribbles.ts';
import type { StepId, WorkState } from './stepStatus.ts';
import { useTraining } from './training.ts';
import { useWorkspace } from './workspace.ts';

export { nextStep, STEPS, type StepId, stepStatus } from './stepStatus.ts';

const params = typeof location !== 'undefined' ? new URLSearchParams(location.search) : new URLSearchParams();

// A link that names weights (?weights=, ?model=) was followed for the model: its step opens first.
export const useSteps = create<{ open: StepId }>(() => ({ open: params.has('weights') || params.has('model') ? 'model' : 'case' }));

export const openStep = (open: StepId) => useSteps.setState({ open });

/** The work state, read from the stores (a hook: every step header re-renders with it). */
export function useWorkState(): WorkState {
  const current = useCase((s) => s.current);
  const model = useModel((s) => s.info);
  const result = useFeatures((s) => s.result);
  const head = useTraining((s) => s.head);
  const trained = useTraining((s) => s.state === 'done' || s.state === 'stopped' || !!s.volume);
  const scribbled = useScribbles((s) => !!s.lastRound);
  const experiments = useExperiments((s) => s.experiments.length);
  const modelBusy = useModel((s) => s.busy);
  const extracting = useFeatures((s) => s.busy);
  const training = useTraining((s) => s.state === 'running' || s.state === 'paused');
  const comparing = useExperiments((s) => s.running);
  const datasetCases = useWorkspace((s) => s.cases.length);
  const tested = useWorkspace((s) => s.lastRun.length > 0);
  const datasetBusy = useWorkspace((s) => s.running || s.queue.state === 'running');
  return {
    caseId: current?.id ?? null,
    hasLabels: !!current?.labels,
    model: model ? `${model.label}${model.randomWeights ? ' (random weights)' : ''}` : null,
    extractedSlices: result ? result.slices.length : null,
    headReadsBackbone: usesBackbone(head),
    trained,
    scribbled,
    experiments,
    dataset: { cases: datasetCases, tested },
    running: { model: modelBusy, features: extracting, train: training, compare: comparing, dataset: datasetBusy },
  };
}
