import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDicomFile, isNiftiName, isZipName } from '../core/case/load.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';

/** The case id a set of inputs implies: the folder's name when it is one folder. */
export function caseIdOfInputs(paths: string[]): string | undefined {
  return paths.length === 1 && statSync(paths[0]).isDirectory() ? basename(paths[0].replace(/\/+$/, '')) : undefined;
}

/**
 * Files of a case from folders and/or explicit file paths; folders contribute their NIfTI files,
 * and with `dicom` every DICOM file below them too (a PACS export nests series in folders).
 */
export function readCaseInputs(paths: string[], options: { dicom?: boolean } = {}): NamedBytes[] {
  const out: NamedBytes[] = [];
  for (const p of paths) {
    if (!statSync(p).isDirectory()) {
      out.push({ name: basename(p), bytes: new Uint8Array(readFileSync(p)) });
      continue;
    }
    for (const f of readdirSync(p).sort()) {
      const path = join(p, f);
      if (statSync(path).isDirectory()) {
        if (options.dicom) out.push(...readCaseInputs([path], options).filter((x) => isDicomFile(x)));
        continue;
      }
      if (isNiftiName(f) || (options.dicom && isZipName(f))) out.push({ name: f, bytes: new Uint8Array(readFileSync(path)) });
      else if (options.dicom) {
        const file = { name: f, bytes: new Uint8Array(readFileSync(path)) };
        if (isDicomFile(file)) out.push(file);
      }
    }
  }
  return out;
}
