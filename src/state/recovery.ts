/**
 * When the compute worker is lost, a fresh one gets back what the page still shows: the case,
 * the model, the features (from the feature cache) and the trained head, and the user is told
 * what happened and what, if anything, must be done again.
 */
import { onComputeLost } from '../worker/client.ts';
import { useCase } from './case.ts';
import { restoreFeatures } from './features.ts';
import { report } from './messages.ts';
import { restoreModel, useModel } from './model.ts';
import { restoreHead, useTraining } from './training.ts';

const TOPIC = 'worker-lost';

export async function restoreWork(): Promise<void> {
  const wasRunning = ['running', 'paused'].includes(useTraining.getState().state);
  const hadModel = useModel.getState().info?.label;
  report('error', 'The compute worker stopped (the browser ends a worker that runs out of memory). Restarting it and restoring your work…', TOPIC);
  const restored: string[] = [];
  const missing: string[] = [];
  try {
    const caseId = useCase.getState().current?.id;
    const model = hadModel ? await restoreModel() : false;
    if (model) restored.push(`the model (${hadModel})`);
    else if (hadModel) missing.push(`the model (${hadModel}): load it again`);
    const slices = model || !hadModel ? await restoreFeatures() : null;
    if (caseId) restored.push(`the case (${caseId})`);
    if (slices !== null) restored.push(`the features of ${slices} slices, from the cache`);
    const head = await restoreHead();
    if (head === 'restored') restored.push('the trained head');
    else if (head !== 'none') missing.push(`the trained head (${head.reason})`);
    if (wasRunning) missing.push('the training that was running: start it again');
    report(
      missing.length ? 'error' : 'info',
      `The compute worker stopped and was restarted.${restored.length ? ` Restored ${restored.join(', ')}.` : ''}${missing.length ? ` Not restored: ${missing.join('; ')}.` : ''}`,
      TOPIC,
    );
  } catch (e) {
    report('error', `The compute worker stopped and was restarted, but restoring failed: ${(e as Error).message}. What the page shows is kept; load the model or extract again to go on.`, TOPIC);
  }
}

export function restoreWhenLost(): void {
  onComputeLost(() => void restoreWork());
}
