/**
 * The loaded case. A drop, a role change or a convention change builds a candidate case; only a
 * valid candidate replaces the current one, so bad input never loses what the user already has.
 */
import { create } from 'zustand';
import { assembleCase, type BratsCase, type CaseFile, referenceVolume } from '../core/case/case.ts';
import type { Alignment } from '../core/case/caseFile.ts';
import { describeResampling, formatReference, parseReference, type ReferenceChoice } from '../core/case/referenceGrid.ts';
import { forgetCaseRecord, keepCaseAbout, keepCaseRecord, type KeptCaseAbout, keptCaseAbout, keptCaseFiles } from './keptCaseDb.ts';
import { exportGrids } from '../core/case/exportGrid.ts';
import { headMaskNote } from '../core/case/headMask.ts';
import { lesionFocus } from '../core/case/location.ts';
import type { LabelConvention } from '../core/case/labels.ts';
import { LABEL_SOURCE_TEXT, labelSource, withRole } from '../core/case/labelCandidates.ts';
import { type FileFailure, isDicomFile, isNiftiName, isZipName, loadNotes } from '../core/case/load.ts';
import type { DicomPatient } from '../core/dicom/series.ts';
import { MODALITIES, type Role } from '../core/case/roles.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';
import { computeClient } from '../worker/client.ts';
import type { Progress } from '../worker/protocol.ts';
import { clearMessages, report, settle } from './messages.ts';
import { clearLocation, goTo, setBackground } from './view.ts';

interface CaseState {
  current: BratsCase | null;
  /** Every file of the current case, ignored ones included, so their roles can be changed. */
  files: CaseFile[];
  /** The user's choice of label convention; undefined lets the loader infer it. */
  convention: LabelConvention | undefined;
  /** The user's choice of the grid sequences are resampled onto; undefined: the FLAIR's, else the finest in plane. */
  reference: ReferenceChoice | undefined;
  /** From the DICOM headers of the open case: shown here, never sent anywhere or written into an export. */
  patient: DicomPatient | null;
  /** The file whose own grid exports go onto; undefined: the case's grid. */
  exportGrid: string | undefined;
  /** The clinical case kept in this browser for the next visit (keptCaseDb.ts). */
  kept: { id: string; bytes: number; files: number } | null;
  progress: Progress | null;
}

export const useCase = create<CaseState>(() => ({ current: null, files: [], convention: undefined, reference: undefined, patient: null, exportGrid: undefined, kept: null, progress: null }));

/** `reference` is always given: undefined is a choice (the default grid), not "as before". */
function tryAssemble(files: CaseFile[], convention: LabelConvention | undefined, id: string | undefined, reference: ReferenceChoice | undefined): boolean {
  try {
    const current = assembleCase(files, { convention, id, reference });
    const before = useCase.getState().current;
    if (before && before.id !== current.id) clearLocation();
    const { exportGrid } = useCase.getState();
    useCase.setState({ current, files, convention, reference, exportGrid: exportGrid && exportGrids(current).includes(exportGrid) ? exportGrid : undefined });
    if (current.grid.resampled.length) report('info', `${describeResampling(current)}. Each file keeps its own grid for exports.`, 'grid');
    else settle('grid');
    if (current.brainmaskSource === 'head') report('info', headMaskNote(current.brainmask!), 'head-mask');
    else settle('head-mask');
    // A label map that is new to the view: show where it marks the tumour, not an empty slice.
    if (current.labels && (before?.id !== current.id || before.labels?.fileName !== current.labels.fileName)) goTo(lesionFocus(current.labels.data, referenceVolume(current).dims));
    settle('assemble');
    return true;
  } catch (e) {
    report('error', `${(e as Error).message}. The case shown before is kept.`, 'assemble');
    return false;
  }
}

/** Files loaded without a role read from their name that the user has not given one yet. */
let roleless = new Set<string>();

function reportRoleless(): void {
  if (roleless.size) report('info', `No role could be read from ${[...roleless].join(', ')}; choose one in the table.`, 'roles');
  else settle('roles');
}

const setProgress = (progress: Progress | null) => useCase.setState({ progress });

/** Opens dropped or picked files: a set with images starts a new case; a lone label map joins the current one. */
export async function openFiles(files: NamedBytes[], caseId?: string, downsample?: number, keep = true): Promise<void> {
  clearMessages();
  if (files.length === 0) {
    report('error', 'Nothing to open: the drop held no files.');
    return;
  }
  const readable = files.filter((f) => isNiftiName(f.name) || isDicomFile(f) || isZipName(f.name));
  // Case folders hold licences, notes and spreadsheets beside the volumes: skipped, not an error.
  const others = files.filter((f) => !readable.includes(f)).map((f) => f.name);
  if (readable.length === 0) return report('error', `Nothing to open: ${others.join(', ')} ${others.length > 1 ? 'are neither NIfTI nor DICOM files' : 'is neither a NIfTI nor a DICOM file'} (.nii, .nii.gz, DICOM files of a series, or a .zip of them).`);
  if (others.length) report('info', `Skipped ${others.length > 1 ? `${others.length} files that are neither NIfTI nor DICOM images` : 'a file that is neither a NIfTI nor a DICOM image'}: ${others.slice(0, 8).join(', ')}${others.length > 8 ? ', …' : ''}.`);
  try {
    const read = await computeClient().request('readFiles', { files: readable, downsample }, { onProgress: setProgress });
    if (read.skipped.length) report('info', `DICOM series not opened: ${read.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}.`, 'dicom-skipped');
    const opened = openRead(read, caseId, (factor) => void openFiles(files, caseId, factor));
    const c = useCase.getState().current;
    // A clinical case (DICOM, or sequences on several grids) is kept for the next visit.
    if (keep && opened && c && !downsample && (read.patient || c.grid.resampled.length > 0)) {
      await keepCase(() => keepCaseRecord({ id: c.id, roles: {}, savedAt: Date.now(), bytes: readable.reduce((n, f) => n + f.bytes.byteLength, 0), files: readable.length }, readable));
    }
  } catch (e) {
    report('error', (e as Error).message);
  } finally {
    setProgress(null);
  }
}

/**
 * Files read by the worker become the case: a set with images starts a new one; a lone label map
 * joins the current one. `downsampled` opens the same files again at a coarser grid.
 */
/** Returns whether a new case (with images) was opened. */
function openRead({ loaded, failed, patient }: { loaded: CaseFile[]; failed: FileFailure[]; patient?: DicomPatient }, caseId: string | undefined, downsampled: (factor: number) => void): boolean {
  const factor = Math.max(0, ...failed.map((f) => f.downsample ?? 0));
  if (factor) {
    // Every volume of a case on one grid: the whole drop is opened again at the coarser one.
    const large = failed.filter((f) => f.downsample);
    report('error', `${large.map((f) => f.name).join(', ')}: ${large[0].error}.`, 'too-large', { label: `Open downsampled ×${factor}`, run: () => downsampled(factor) });
    return false;
  }
  for (const f of failed) report('error', `${f.name}: ${f.error}`);
  for (const note of loadNotes(loaded)) report('info', note);
  if (loaded.length === 0) return false;
  const hasImage = loaded.some((f) => (MODALITIES as readonly string[]).includes(f.role));
  const { current, files: existing } = useCase.getState();
  // A label map or mask dropped alone joins the current case: it replaces a mask, and the label
  // map it replaces stays as an alternative to switch back to.
  const replaced = new Set(loaded.map((f) => f.role));
  const names = new Set(loaded.map((f) => f.name));
  const kept = existing.filter((f) => !names.has(f.name) && (f.role === 'seg' || !replaced.has(f.role))).map((f): CaseFile => (f.role === 'seg' && replaced.has('seg') ? { ...f, role: 'altseg' } : f));
  const candidate = hasImage || !current ? loaded : [...kept, ...loaded];
  if (tryAssemble(candidate, hasImage ? undefined : useCase.getState().convention, hasImage ? caseId : current?.id, hasImage ? undefined : useCase.getState().reference)) {
    if (hasImage) {
      setBackground(null);
      useCase.setState({ patient: patient ?? null });
    }
    reportAlternatives();
    roleless = new Set(loaded.filter((f) => f.role === 'ignore').map((f) => f.name));
    reportRoleless();
    return hasImage;
  }
  return false;
}

/** The kept clinical case, if any: its id and size, for the panel's "Reopen" and "Forget". */
export async function refreshKept(): Promise<void> {
  try {
    const r = await keptCaseAbout();
    useCase.setState({ kept: r && { id: r.id, bytes: r.bytes, files: r.files } });
  } catch {
    useCase.setState({ kept: null });
  }
}

async function keepCase(write: () => Promise<void>): Promise<void> {
  try {
    await write();
    await refreshKept();
  } catch (e) {
    report('info', `The case could not be kept for the next visit (${(e as Error).message}); it stays open now.`, 'kept');
  }
}

/** A role or grid chosen for the kept case goes with it (its files stay as they are). */
async function updateKept(change: (r: KeptCaseAbout) => KeptCaseAbout): Promise<void> {
  const { kept, current } = useCase.getState();
  if (!kept || kept.id !== current?.id) return;
  const r = await keptCaseAbout();
  if (r) await keepCase(() => keepCaseAbout(change(r)));
}

export async function reopenKeptCase(): Promise<void> {
  const [about, files] = [await keptCaseAbout(), await keptCaseFiles()];
  if (!about || !files) return refreshKept();
  // Opened from what is kept: written back it would be the same files again.
  await openFiles(files, about.id, undefined, false);
  if (useCase.getState().current?.id !== about.id) return;
  for (const [name, role] of Object.entries(about.roles)) setRole(name, role);
  if (about.reference) setReference(parseReference(about.reference));
  for (const [name, alignment] of Object.entries(about.alignments ?? {})) setAlignment(name, alignment);
}

export async function forgetKeptCase(): Promise<void> {
  await forgetCaseRecord();
  await refreshKept();
}

/** Several label maps: which one is scored against, and where to switch. */
function reportAlternatives(): void {
  const c = useCase.getState().current;
  if (!c?.labels || !c.labelAlternatives.length) return;
  const n = c.labelAlternatives.length;
  report('info', `${n + 1} label maps: scoring against ${c.labels.fileName} (${LABEL_SOURCE_TEXT[labelSource(c.labels.fileName)]}). ${n > 1 ? 'The others are' : 'The other is'} listed as "Other label map" in the table; choose "Label map" there to switch.`, 'labels');
}

export function setRole(name: string, role: Role): void {
  const { files, convention, current } = useCase.getState();
  const candidate = withRole(files, name, role);
  if (!tryAssemble(candidate, role === 'seg' ? undefined : convention, current?.id, useCase.getState().reference)) return;
  void updateKept((r) => ({ ...r, roles: { ...r.roles, [name]: role } }));
  if (roleless.delete(name)) reportRoleless();
  if (role === 'seg' || role === 'altseg') reportAlternatives();
}

/** Another reference grid: every sequence is resampled onto it; a choice that fails keeps the case as it was. */
export function setReference(reference: ReferenceChoice | undefined): void {
  const { files, convention, current } = useCase.getState();
  if (tryAssemble(files, convention, current?.id, reference)) void updateKept((r) => ({ ...r, reference: reference && formatReference(reference) }));
}

export function setConvention(convention: LabelConvention): void {
  const { files, current } = useCase.getState();
  tryAssemble(files, convention, current?.id, useCase.getState().reference);
}

export async function loadSampleCase(seed: number, dims?: [number, number, number]): Promise<void> {
  clearMessages();
  try {
    const read = await computeClient().request('synthesize', { seed, dims }, { onProgress: setProgress });
    openRead(read, undefined, () => report('error', 'The sample case is too large for this browser.'));
  } catch (e) {
    report('error', (e as Error).message);
  } finally {
    setProgress(null);
  }
}

export const setExportGrid = (exportGrid: string | undefined) => useCase.setState({ exportGrid });

/** A sequence's alignment to the reference, or none (undo): the case is assembled again; a failure keeps it as it was. */
export function setAlignment(name: string, alignment: Alignment | undefined): boolean {
  const { files, convention, current, reference } = useCase.getState();
  const candidate = files.map((f) => (f.name === name ? { ...f, alignment } : f));
  if (!tryAssemble(candidate, convention, current?.id, reference)) return false;
  void updateKept((r) => ({ ...r, alignments: Object.fromEntries(candidate.filter((f) => f.alignment).map((f) => [f.name, f.alignment!])) }));
  return true;
}
