/**
 * The cases of a dataset, from the relative paths of its files alone, so the CLI (a folder on
 * disk), the app (a dropped or picked folder) and the tests group them one way:
 * - BraTS 2021/2023 and most releases: a folder per case (BraTS2021_00000/BraTS2021_00000_flair.nii.gz).
 * - BraTS 2013/2015: a folder per case with a folder per modality named like the one file it holds
 *   (pat0001/VSD.Brain.XX.O.MR_Flair.54512/VSD.Brain.XX.O.MR_Flair.54512.nii): the case is the parent.
 * - A flat folder: files grouped by their case prefix (BraTS2021_00000_flair.nii.gz -> BraTS2021_00000).
 * Problems are found per case and never stop the others.
 */
import { isNiftiName } from '../case/load.ts';
import { detectRole, MODALITIES, type Modality, type Role, stripNiftiExtension } from '../case/roles.ts';

export interface DatasetCase {
  /** The case folder's name, or the shared prefix of a flat folder's files. */
  id: string;
  /** Relative paths of the case's NIfTI files. */
  files: string[];
  /** The role each file's name suggests, in the order of files. */
  roles: Role[];
  modalities: Modality[];
  hasLabels: boolean;
  /** Why the case cannot be used as it is; empty when it can. */
  problems: string[];
}

export interface DatasetListing {
  cases: DatasetCase[];
  /** Files that belong to no case and why (not NIfTI, a format the studio does not read). */
  skipped: { path: string; reason: string }[];
}

const parts = (p: string) => p.split(/[\\/]+/).filter(Boolean);
const folderOf = (p: string) => parts(p).slice(0, -1);
const baseName = (p: string) => parts(p).at(-1) ?? p;

/** A case's id in a flat folder: the name before its last _ or - part (the modality or label). */
export function casePrefix(fileName: string): string {
  const stem = stripNiftiExtension(fileName);
  const cut = Math.max(stem.lastIndexOf('_'), stem.lastIndexOf('-'));
  return cut > 0 ? stem.slice(0, cut) : stem;
}

/** The folder that holds a file's case: a 2013/2015 modality folder gives way to its parent. */
function caseFolder(path: string): string[] {
  const folder = folderOf(path);
  const isModalityFolder = folder.length > 1 && folder.at(-1)!.toLowerCase() === stripNiftiExtension(baseName(path)).toLowerCase();
  return isModalityFolder ? folder.slice(0, -1) : folder;
}

export function groupDatasetFiles(paths: string[]): DatasetListing {
  const skipped: DatasetListing['skipped'] = [];
  const nifti: string[] = [];
  for (const p of paths) {
    if (isNiftiName(p)) nifti.push(p);
    else if (/\.dcm$/i.test(p)) skipped.push({ path: p, reason: 'a DICOM file: a dataset reads NIfTI cases; open a DICOM export as one case (drop its folder), or write it as NIfTI with `studio reslice`' });
    else if (/\.(mha|mhd|nrrd)$/i.test(p)) skipped.push({ path: p, reason: 'not NIfTI: convert it to .nii.gz (e.g. with SimpleITK or 3D Slicer) to use it' });
  }
  const byFolder = new Map<string, string[]>();
  for (const p of nifti) {
    const key = caseFolder(p).join('/');
    byFolder.set(key, [...(byFolder.get(key) ?? []), p]);
  }
  const groups: { id: string; files: string[] }[] = [];
  for (const [folder, files] of byFolder) {
    const prefixes = new Map<string, string[]>();
    for (const f of files) prefixes.set(casePrefix(baseName(f)), [...(prefixes.get(casePrefix(baseName(f))) ?? []), f]);
    if (isFlat(prefixes)) for (const [id, g] of prefixes) groups.push({ id, files: g });
    else groups.push({ id: parts(folder).at(-1) ?? casePrefix(baseName(files[0])), files });
  }
  const seen = new Map<string, number>();
  for (const g of groups) seen.set(g.id, (seen.get(g.id) ?? 0) + 1);
  const cases = groups.map((g) => describeCase(g.id, g.files.sort(), (seen.get(g.id) ?? 0) > 1)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { cases, skipped };
}

/**
 * Several cases side by side in one folder: two or more prefixes with several files each. A case
 * folder has one prefix, or none shared (BraTS 2015: Flair_…, T1c_…, OTMultiClass), and is one case.
 */
function isFlat(prefixes: Map<string, string[]>): boolean {
  return [...prefixes.values()].filter((g) => g.length > 1).length >= 2;
}

function describeCase(id: string, files: string[], duplicate: boolean): DatasetCase {
  const roles = files.map((f) => detectRole(baseName(f))?.role ?? 'ignore');
  const modalities = MODALITIES.filter((m) => roles.includes(m));
  const problems: string[] = [];
  if (duplicate) problems.push(`two folders are named ${id}: rename one, since cases are told apart by name`);
  if (!modalities.length) problems.push('no file is named as an MRI modality (flair, t1, t1ce/t1c/t1gd, t2, t2f, t1n, t2w)');
  for (const m of modalities) {
    const n = roles.filter((r) => r === m).length;
    if (n > 1) problems.push(`${n} files are named as ${m}: keep one`);
  }
  return { id, files, roles, modalities, hasLabels: roles.includes('seg'), problems };
}
