/**
 * The loaded case. A drop, a role change or a convention change builds a candidate case; only a
 * valid candidate replaces the current one, so bad input never loses what the user already has.
 */
import { create } from 'zustand';
import { assembleCase, type BratsCase, type CaseFile } from '../core/case/case.ts';
import type { LabelConvention } from '../core/case/labels.ts';
import { isNiftiName } from '../core/case/load.ts';
import { MODALITIES, type Role } from '../core/case/roles.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';
import { computeClient } from '../worker/client.ts';
import type { Progress } from '../worker/protocol.ts';
import { clearMessages, report } from './messages.ts';
import { setBackground } from './view.ts';

interface CaseState {
  current: BratsCase | null;
  /** Every file of the current case, ignored ones included, so their roles can be changed. */
  files: CaseFile[];
  /** The user's choice of label convention; undefined lets the loader infer it. */
  convention: LabelConvention | undefined;
  progress: Progress | null;
}

export const useCase = create<CaseState>(() => ({ current: null, files: [], convention: undefined, progress: null }));

function tryAssemble(files: CaseFile[], convention: LabelConvention | undefined, id?: string): boolean {
  try {
    const current = assembleCase(files, { convention, id });
    useCase.setState({ current, files, convention });
    return true;
  } catch (e) {
    report('error', `${(e as Error).message}. The case shown before is kept.`);
    return false;
  }
}

const setProgress = (progress: Progress | null) => useCase.setState({ progress });

/** Opens dropped or picked files: a set with images starts a new case; a lone label map joins the current one. */
export async function openFiles(files: NamedBytes[], caseId?: string): Promise<void> {
  clearMessages();
  if (files.length === 0) {
    report('error', 'Nothing to open: the drop held no files.');
    return;
  }
  const nifti = files.filter((f) => isNiftiName(f.name));
  for (const f of files) if (!isNiftiName(f.name)) report('error', `${f.name} is not a NIfTI file (.nii or .nii.gz); it was left out.`);
  if (nifti.length === 0) return;
  try {
    const { loaded, failed } = await computeClient().request('readFiles', { files: nifti }, { onProgress: setProgress });
    for (const f of failed) report('error', `${f.name}: ${f.error}`);
    if (loaded.length === 0) return;
    const hasImage = loaded.some((f) => (MODALITIES as readonly string[]).includes(f.role));
    const { current, files: existing } = useCase.getState();
    // A label map or mask dropped alone joins the current case, replacing one of the same role.
    const replaced = new Set(loaded.map((f) => f.role));
    const candidate = hasImage || !current ? loaded : [...existing.filter((f) => !replaced.has(f.role)), ...loaded];
    if (tryAssemble(candidate, hasImage ? undefined : useCase.getState().convention, hasImage ? caseId : current?.id)) {
      if (hasImage) setBackground(null);
      const unknown = loaded.filter((f) => f.role === 'ignore').map((f) => f.name);
      if (unknown.length) report('info', `No role could be read from ${unknown.join(', ')}; choose one in the table.`);
    }
  } catch (e) {
    report('error', (e as Error).message);
  } finally {
    setProgress(null);
  }
}

export function setRole(name: string, role: Role): void {
  const { files, convention, current } = useCase.getState();
  const candidate = files.map((f) => (f.name === name ? { ...f, role } : f));
  tryAssemble(candidate, role === 'seg' ? undefined : convention, current?.id);
}

export function setConvention(convention: LabelConvention): void {
  const { files, current } = useCase.getState();
  tryAssemble(files, convention, current?.id);
}

export async function loadSampleCase(seed: number, dims?: [number, number, number]): Promise<void> {
  try {
    const { files } = await computeClient().request('synthesize', { seed, dims }, { onProgress: setProgress });
    await openFiles(files);
  } catch (e) {
    report('error', (e as Error).message);
    setProgress(null);
  }
}
