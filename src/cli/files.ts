import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isNiftiName } from '../core/case/load.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';

/** The case id a set of inputs implies: the folder's name when it is one folder. */
export function caseIdOfInputs(paths: string[]): string | undefined {
  return paths.length === 1 && statSync(paths[0]).isDirectory() ? basename(paths[0].replace(/\/+$/, '')) : undefined;
}

/** Files of a case from folders and/or explicit file paths; folders contribute their NIfTI files. */
export function readCaseInputs(paths: string[]): NamedBytes[] {
  const out: NamedBytes[] = [];
  for (const p of paths) {
    const files = statSync(p).isDirectory()
      ? readdirSync(p).filter(isNiftiName).sort().map((f) => join(p, f))
      : [p];
    for (const f of files) out.push({ name: basename(f), bytes: new Uint8Array(readFileSync(f)) });
  }
  return out;
}
