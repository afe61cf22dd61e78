/** Aligning a sequence of the open case to its reference in the worker (elastix), kept with the case, undone on request. */
import { ROLE_LABELS, type Modality } from '../core/case/roles.ts';
import { alignmentReference, alignSequence } from '../core/registration/alignCase.ts';
import { computeClient } from '../worker/client.ts';
import { setAlignment, setCaseProgress, useCase } from './case.ts';
import { sendCase } from './features.ts';
import { report } from './messages.ts';

export async function alignToReference(role: Modality): Promise<void> {
  const c = useCase.getState().current;
  if (!c) return;
  const label = ROLE_LABELS[role];
  let seconds = 0;
  try {
    const ref = alignmentReference(c);
    await sendCase();
    const alignment = await alignSequence(c, role, async (fixed, moving, affine) => {
      const r = await computeClient().request('align', { fixed, moving, affine }, { onProgress: setCaseProgress });
      seconds = r.seconds;
      return r.transform;
    });
    // Another case opened meanwhile: this alignment belongs to the one that was open.
    if (useCase.getState().current?.id !== c.id) return;
    if (!setAlignment(c.files.find((f) => f.role === role)!.name, alignment)) return;
    report('info', `${label} aligned to ${ROLE_LABELS[ref.role as Modality]} (elastix, rigid, ${seconds.toFixed(1)} s): ${alignment.rotationDeg.toFixed(2)}° and ${alignment.shiftMm.toFixed(2)} mm at the centre. Check it with "Show: checkerboard"; "Undo" puts it back as its header places it.`, 'alignment');
  } catch (e) {
    report('error', `${label} was not aligned: ${(e as Error).message}. The case is as it was.`, 'alignment');
  } finally {
    setCaseProgress(null);
  }
}

export function undoAlignment(role: Modality): void {
  const f = useCase.getState().files.find((x) => x.role === role);
  if (f && setAlignment(f.name, undefined)) report('info', `${ROLE_LABELS[role]} is back where its header places it.`, 'alignment');
}
