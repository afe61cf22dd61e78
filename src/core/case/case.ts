import type { Dims3 } from '../geometry/orientation.ts';
import type { Volume } from '../volume.ts';
import { distinctValues, inferConvention, type LabelConvention, toStudioLabels } from './labels.ts';
import { headMask, NONZERO_IS_NOT_A_MASK, nonZeroFraction } from './headMask.ts';
import { rankLabelMaps } from './labelCandidates.ts';
import { onReferenceGrid, type ReferenceChoice, referenceGrid, ReferenceError } from './referenceGrid.ts';
import { caseNamingScheme, MODALITIES, type Modality, type Role, ROLE_LABELS, stripNiftiExtension } from './roles.ts';

import type { CaseFile } from './caseFile.ts';
import { correctedAffine } from '../registration/rigid.ts';
export type { CaseFile };

export interface LabelMap {
  /** Studio convention (0, 1, 2, 4), canonical grid. */
  data: Uint8Array;
  convention: LabelConvention;
  /** Values as stored in the file, before mapping. */
  fileValues: number[];
  fileName: string;
}

/** A loaded case: volumes on one canonical grid, keyed by role. */
export interface BratsCase {
  id: string;
  files: CaseFile[];
  modalities: Partial<Record<Modality, Volume>>;
  labels?: LabelMap;
  /** Other label maps of the case (role 'altseg'), best first, to switch to. */
  labelAlternatives: string[];
  brainmask?: Uint8Array;
  /** Where the brain mask came from: a file of the case, or the head mask of a scan with skull and air (headMask.ts). */
  brainmaskSource?: 'file' | 'head';
  /** The grid the case is computed on, and the files resampled onto it (their own grids stay in `files`). */
  grid: { reference: string; resampled: string[] };
}

export class CaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseError';
  }
}

/**
 * The longest common prefix of the files' stems, trimmed of separators: "BraTS2021_00000".
 * Files that share no name ("Flair.nii.gz", "OT.nii.gz") make an unnamed case; callers that know
 * the folder pass its name instead.
 */
export function caseIdOf(names: string[]): string {
  const stems = names.map(stripNiftiExtension);
  let prefix = stems[0] ?? '';
  for (const s of stems) while (!s.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.replace(/[_\-. ]+$/, '');
  return prefix.length >= 2 ? prefix : 'unnamed case';
}

/**
 * A file's name without the prefix all its case's files share: "…-t2f.nii.gz" for
 * "BraTS-GLI-00001-000-t2f.nii.gz", so a narrow table shows where names differ.
 */
export function nameWithinCase(name: string, names: string[]): string {
  const prefix = caseIdOf(names);
  const rest = name.slice(prefix.length);
  return names.length > 1 && prefix.length > 3 && name.startsWith(prefix) && rest.length > 3 ? `…${rest}` : name;
}

/** A file where its alignment says its anatomy lies (its header kept for exports onto its own grid). */
function placed(f: CaseFile): CaseFile {
  return f.alignment ? { ...f, volume: { ...f.volume, affine: correctedAffine(f.alignment.transform, f.volume.affine) } } : f;
}

/**
 * Puts files together as one case: one file per role, every volume on one reference grid (files
 * on other grids resampled onto it through world coordinates), and the label map in the studio's
 * convention.
 */
export function assembleCase(files: CaseFile[], options: { id?: string; convention?: LabelConvention; reference?: ReferenceChoice } = {}): BratsCase {
  // Alternatives are checked when chosen: a stray one on another grid must not refuse the case.
  const used = files.filter((f) => f.role !== 'ignore' && f.role !== 'altseg').map(placed);
  const labelAlternatives = rankLabelMaps(files.filter((f) => f.role === 'altseg').map((f) => f.name));
  const byRole = new Map<Role, CaseFile>();
  for (const f of used) {
    const other = byRole.get(f.role);
    if (other) throw new CaseError(`two files have the role ${ROLE_LABELS[f.role]}: ${other.name} and ${f.name}`);
    byRole.set(f.role, f);
  }
  const images = MODALITIES.map((m) => byRole.get(m)).filter((f): f is CaseFile => !!f);
  if (images.length === 0) throw new CaseError('no image volume: give at least one of FLAIR, T1, T1gd or T2');
  const onGrid = new Map<Role, Volume>();
  const resampled: string[] = [];
  let grid;
  try {
    grid = referenceGrid(images, options.reference);
    for (const f of used) {
      const r = onReferenceGrid(f, grid);
      onGrid.set(f.role, r.volume);
      if (r.resampled) resampled.push(f.name);
    }
  } catch (e) {
    if (e instanceof ReferenceError) throw new CaseError(e.message);
    throw e;
  }
  const modalities: BratsCase['modalities'] = {};
  for (const f of images) modalities[f.role as Modality] = onGrid.get(f.role);
  const seg = byRole.get('seg') && { name: byRole.get('seg')!.name, volume: onGrid.get('seg')! };
  let labels: LabelMap | undefined;
  if (seg) {
    const fileValues = distinctValues(seg.volume.data);
    const convention = options.convention ?? inferConvention(fileValues, caseNamingScheme(used.map((f) => f.name)));
    try {
      labels = { data: toStudioLabels(seg.volume.data, convention), convention, fileValues, fileName: seg.name };
    } catch (e) {
      throw new CaseError(`${seg.name}: ${(e as Error).message}`);
    }
  }
  const mask = onGrid.get('brainmask');
  let brainmask: Uint8Array | undefined;
  if (mask) {
    brainmask = new Uint8Array(mask.data.length);
    for (let i = 0; i < brainmask.length; i++) brainmask[i] = mask.data[i] > 0.5 ? 1 : 0;
  }
  let brainmaskSource: BratsCase['brainmaskSource'] = brainmask ? 'file' : undefined;
  const imageData = Object.values(modalities).map((v) => v!.data);
  if (!brainmask && nonZeroFraction(imageData) > NONZERO_IS_NOT_A_MASK) {
    brainmask = headMask(imageData, grid.dims);
    brainmaskSource = 'head';
  }
  const id = options.id ?? caseIdOf(used.map((f) => f.name));
  return { id, files: used, modalities, labels, labelAlternatives, brainmask, brainmaskSource, grid: { reference: grid.label, resampled } };
}

/** The arrays of a case that computing needs (no headers, no file names): what the worker holds. */
export interface CaseVolumes {
  id: string;
  dims: Dims3;
  spacing: Dims3;
  volumes: Partial<Record<Modality, Float32Array>>;
  brainmask?: Uint8Array;
  /** Studio-convention labels, when the case has a label map. */
  labels?: Uint8Array;
}

/**
 * A case decoded when it is needed and let go after (a dataset's case): what it has is known
 * from its file names, so runs check it before anything is read. Experiments open each case for
 * as long as its step needs it, so a dataset of many cases never sits in memory at once.
 */
export interface LazyCase {
  id: string;
  modalities: Modality[];
  hasLabels: boolean;
  load(): Promise<CaseVolumes>;
}

export type CaseInput = CaseVolumes | LazyCase;

export const isLazyCase = (c: CaseInput): c is LazyCase => 'load' in c;
export const openCase = async (c: CaseInput): Promise<CaseVolumes> => (isLazyCase(c) ? c.load() : c);
export const modalitiesOf = (c: CaseInput): Modality[] => (isLazyCase(c) ? c.modalities : MODALITIES.filter((m) => c.volumes[m]));
export const hasLabels = (c: CaseInput): boolean => (isLazyCase(c) ? c.hasLabels : !!c.labels);

/**
 * The case's first image in the studio's modality order (FLAIR first): every image shares its
 * grid, so it stands for the case's geometry, and exports take their header from it.
 */
export function referenceVolume(c: BratsCase): Volume {
  return MODALITIES.map((m) => c.modalities[m]).find(Boolean)!;
}

export function caseVolumes(c: BratsCase): CaseVolumes {
  const ref = referenceVolume(c);
  const volumes: Partial<Record<Modality, Float32Array>> = {};
  for (const m of MODALITIES) if (c.modalities[m]) volumes[m] = c.modalities[m]!.data;
  return { id: c.id, dims: ref.dims, spacing: ref.spacing, volumes, brainmask: c.brainmask, labels: c.labels?.data };
}
