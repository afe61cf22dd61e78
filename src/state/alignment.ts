/**
 * Aligning a sequence of the open case to its reference (elastix, rigid) in a worker of its own,
 * which Cancel ends; kept with the case, undone on request.
 */
import { create } from 'zustand';
import { referenceVolume } from '../core/case/case.ts';
import { ROLE_LABELS, type Modality } from '../core/case/roles.ts';
import { alignmentReference, alignSequence } from '../core/registration/alignCase.ts';
import type { RegistrationRequest, RegistrationResponse } from '../worker/protocol.ts';
import { setAlignment, useCase } from './case.ts';
import { report } from './messages.ts';

/** The sequence being aligned, and since when (the panel shows the seconds: elastix reports no progress of its own). */
export const useAlignment = create<{ running: Modality | null; since: number }>(() => ({ running: null, since: 0 }));

/** Ends the registration running now, if any. */
let cancelRunning: (() => void) | null = null;

class Cancelled extends Error {}

function registerInWorker(request: RegistrationRequest): Promise<{ transform: number[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('../worker/registration.worker.ts', import.meta.url), { type: 'module', name: 'registration' });
    const end = () => {
      w.terminate();
      cancelRunning = null;
    };
    w.onmessage = (e: MessageEvent<RegistrationResponse>) => {
      end();
      if ('error' in e.data) reject(new Error(e.data.error));
      else resolve(e.data);
    };
    w.onerror = (e) => {
      end();
      reject(new Error(e.message || 'the registration worker failed'));
    };
    cancelRunning = () => {
      end();
      reject(new Cancelled());
    };
    w.postMessage(request);
  });
}

export async function alignToReference(role: Modality): Promise<void> {
  const c = useCase.getState().current;
  if (!c || useAlignment.getState().running) return;
  const label = ROLE_LABELS[role];
  useAlignment.setState({ running: role, since: Date.now() });
  let seconds = 0;
  try {
    const ref = alignmentReference(c);
    const grid = referenceVolume(c);
    const image = (m: Modality) => ({ dims: grid.dims, spacing: grid.spacing, data: c.modalities[m]!.data });
    const alignment = await alignSequence(c, role, async (fixed, moving, affine) => {
      const r = await registerInWorker({ fixed: image(fixed), moving: image(moving), affine });
      seconds = r.seconds;
      return r.transform;
    });
    // Another case opened meanwhile: this alignment belongs to the one that was open.
    if (useCase.getState().current?.id !== c.id) return;
    if (!setAlignment(c.files.find((f) => f.role === role)!.name, alignment)) return;
    report('info', `${label} aligned to ${ROLE_LABELS[ref.role as Modality]} (elastix, rigid, ${seconds.toFixed(1)} s): ${alignment.rotationDeg.toFixed(2)}° and ${alignment.shiftMm.toFixed(2)} mm at the centre. Check it with "Show: checkerboard"; "Undo" puts it back as its header places it.`, 'alignment');
  } catch (e) {
    if (e instanceof Cancelled) report('info', `Aligning ${label} was cancelled; the case is as it was.`, 'alignment');
    else report('error', `${label} was not aligned: ${(e as Error).message}. The case is as it was.`, 'alignment');
  } finally {
    useAlignment.setState({ running: null });
  }
}

export function cancelAlignment(): void {
  cancelRunning?.();
}

export function undoAlignment(role: Modality): void {
  const f = useCase.getState().files.find((x) => x.role === role);
  if (f && setAlignment(f.name, undefined)) report('info', `${ROLE_LABELS[role]} is back where its header places it.`, 'alignment');
}
