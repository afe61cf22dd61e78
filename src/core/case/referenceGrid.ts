/**
 * The one grid a case is computed on. Sequences as a scanner writes them sit on different grids
 * (other matrix, tilt, slice thickness) in one world: each is resampled onto the reference
 * through world coordinates, and the files keep their own grids for the viewer and exports.
 */
import { voxelSpacing } from '../geometry/affine.ts';
import { type Grid, gridsOverlap, type Interpolation, isotropicGrid, resample } from '../geometry/resample.ts';
import { headerFor } from '../nifti/write.ts';
import { compareGrids, type Volume } from '../volume.ts';
import type { CaseFile } from './caseFile.ts';
import { MODALITIES, type Modality, type Role, shortRoleLabel } from './roles.ts';

/** A sequence's grid, or an isotropic grid of `isotropic` mm over the default reference's field of view. */
export type ReferenceChoice = { role: Modality } | { isotropic: number };

export class ReferenceError extends Error {}

/** "flair", "t1ce", "iso:1": the CLI's and the case record's spelling. */
export function parseReference(text: string): ReferenceChoice {
  const iso = /^iso:(\d+(\.\d+)?)$/.exec(text);
  if (iso) {
    const spacing = Number(iso[1]);
    if (!(spacing >= 0.2 && spacing <= 10)) throw new ReferenceError(`--reference ${text}: an isotropic spacing between 0.2 and 10 mm`);
    return { isotropic: spacing };
  }
  if ((MODALITIES as readonly string[]).includes(text)) return { role: text as Modality };
  throw new ReferenceError(`--reference ${text}: one of ${MODALITIES.join(', ')} or iso:SPACING (mm)`);
}

export const formatReference = (c: ReferenceChoice): string => ('role' in c ? c.role : `iso:${c.isotropic}`);

export interface ReferenceGrid extends Grid {
  /** "FLAIR", "1 mm isotropic over FLAIR". */
  label: string;
  /** The volume whose header exports copy (the reference sequence, or a fresh one for an isotropic grid). */
  source: Volume['source'];
}

/** The default reference: the FLAIR (where lesions are drawn), else the sequence finest in plane. */
function defaultReference(images: CaseFile[]): CaseFile {
  const flair = images.find((f) => f.role === 'flair');
  if (flair) return flair;
  const inPlane = (f: CaseFile) => f.volume.spacing[0] * f.volume.spacing[1];
  return images.reduce((best, f) => (inPlane(f) < inPlane(best) - 1e-6 ? f : best));
}

const fileGrid = (f: CaseFile): ReferenceGrid => ({ dims: f.volume.dims, affine: f.volume.affine, label: shortRoleLabel(f.role), source: f.volume.source });

export function referenceGrid(images: CaseFile[], choice?: ReferenceChoice): ReferenceGrid {
  if (choice && 'role' in choice) {
    const f = images.find((i) => i.role === choice.role);
    if (!f) throw new ReferenceError(`the reference ${shortRoleLabel(choice.role)} is not in the case`);
    return fileGrid(f);
  }
  const base = defaultReference(images);
  if (!choice) return fileGrid(base);
  const grid = isotropicGrid(base.volume, choice.isotropic);
  const header = headerFor(grid.dims, grid.affine, 16, 'dino-seg-studio reference grid');
  return {
    ...grid,
    label: `${choice.isotropic} mm isotropic over ${shortRoleLabel(base.role)}`,
    source: { header, reorientation: { axis: [0, 1, 2], flip: [false, false, false], storedDims: grid.dims } },
  };
}

const isLabelRole = (r: Role) => r === 'seg' || r === 'altseg' || r === 'brainmask';

/** The file's volume on the reference grid: itself when it is already there, else resampled (nearest for label maps). */
export function onReferenceGrid(f: CaseFile, grid: ReferenceGrid): { volume: Volume; resampled: boolean } {
  if (!compareGrids({ dims: grid.dims, affine: grid.affine } as Volume, f.volume)) return { volume: f.volume, resampled: false };
  if (!gridsOverlap(grid, f.volume)) throw new ReferenceError(`${f.name} lies outside the ${grid.label} grid's field of view in the world (another patient's file, or a broken header?)`);
  const interpolation: Interpolation = isLabelRole(f.role) ? 'nearest' : 'linear';
  const data = resample(f.volume, grid, interpolation);
  return { volume: { name: f.volume.name, dims: grid.dims, spacing: voxelSpacing(grid.affine), affine: grid.affine, data, source: grid.source }, resampled: true };
}

/** "T1gd, T2 and T1 are on other grids: resampled onto the FLAIR grid (208x256x26, 0.90x0.90x5.50 mm) …": what a user is told. */
export function describeResampling(c: { files: CaseFile[]; grid: { reference: string; resampled: string[] }; modalities: Partial<Record<Modality, Volume>> }): string {
  const v = MODALITIES.map((m) => c.modalities[m]).find(Boolean)!;
  const roles = c.grid.resampled.map((name) => {
    const role = c.files.find((f) => f.name === name)?.role;
    return role ? shortRoleLabel(role) : name;
  });
  const list = roles.length > 1 ? `${roles.slice(0, -1).join(', ')} and ${roles[roles.length - 1]} are on other grids` : `${roles[0]} is on another grid`;
  return `${list}: resampled onto the ${c.grid.reference} grid (${v.dims.join('x')}, ${v.spacing.map((s) => s.toFixed(2)).join('x')} mm) through world coordinates`;
}
