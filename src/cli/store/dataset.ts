/** The cases of a dataset folder on disk, grouped by the core's rules (core/dataset/cases.ts). */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type DatasetCase as GroupedCase, groupDatasetFiles } from '../../core/dataset/cases.ts';

export interface DatasetCase extends GroupedCase {
  /** The case's files on disk. */
  paths: string[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * Every case of the folder. A case with a problem (no modality, a modality twice, a name taken
 * twice) is said on stderr and left out, so one bad case does not stop a batch of hundreds.
 */
export function datasetCases(dir: string, warn: (text: string) => void = (t) => process.stderr.write(`${t}\n`)): DatasetCase[] {
  const { cases, skipped } = groupDatasetFiles(walk(dir).map((p) => relative(dir, p)));
  for (const s of skipped) warn(`skipped ${s.path}: ${s.reason}`);
  for (const c of cases.filter((c) => c.problems.length)) warn(`left out case ${c.id}: ${c.problems.join('; ')}`);
  const good = cases.filter((c) => !c.problems.length);
  if (!good.length) throw new Error(`${dir} holds no usable case: ${cases.length ? 'every case has a problem (above)' : 'no folder with NIfTI files and no NIfTI files'}`);
  return good.map((c) => ({ ...c, paths: c.files.map((f) => join(dir, f)) }));
}
