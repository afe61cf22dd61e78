/**
 * The cases of a dataset folder: a folder per case (BraTS 2021/2023, 2013/2015 releases), or a
 * flat folder whose files share a case prefix (BraTS2021_00000_flair.nii.gz, …-t2f.nii.gz).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isNiftiName } from '../../core/case/load.ts';

export interface DatasetCase {
  id: string;
  /** A case folder, or the files of a flat folder's case. */
  paths: string[];
}

const hasNifti = (dir: string): boolean =>
  readdirSync(dir).some((f) => isNiftiName(f) || (statSync(join(dir, f)).isDirectory() && hasNifti(join(dir, f))));

/** A case's id in a flat folder: the name before its last _ or - part (the modality or label). */
export function casePrefix(fileName: string): string {
  const stem = fileName.replace(/\.nii(\.gz)?$/i, '');
  const cut = Math.max(stem.lastIndexOf('_'), stem.lastIndexOf('-'));
  return cut > 0 ? stem.slice(0, cut) : stem;
}

export function datasetCases(dir: string): DatasetCase[] {
  const entries = readdirSync(dir).sort();
  const folders = entries.filter((e) => statSync(join(dir, e)).isDirectory() && hasNifti(join(dir, e)));
  const cases: DatasetCase[] = folders.map((f) => ({ id: f, paths: [join(dir, f)] }));
  const byPrefix = new Map<string, string[]>();
  for (const f of entries.filter(isNiftiName)) byPrefix.set(casePrefix(f), [...(byPrefix.get(casePrefix(f)) ?? []), join(dir, f)]);
  for (const [id, paths] of byPrefix) cases.push({ id, paths });
  if (!cases.length) throw new Error(`${dir} holds no case: no folder with NIfTI files and no NIfTI files`);
  return cases.sort((a, b) => (a.id < b.id ? -1 : 1));
}
