/**
 * The files this worker read, kept: the page gets a copy of each volume (made here, off the main
 * thread) and the case reaches the worker again as handles, not as a copy of every voxel (a
 * 240x240x155 four-sequence case is ~140 MB that the page's thread took over a second to copy).
 */
import { assembleCase, type CaseVolumes, caseVolumes } from '../core/case/case.ts';
import type { Alignment, CaseFile } from '../core/case/caseFile.ts';
import type { LabelConvention } from '../core/case/labels.ts';
import type { ReferenceChoice } from '../core/case/referenceGrid.ts';
import type { Role } from '../core/case/roles.ts';

const kept = new Map<string, CaseFile>();
let lastRead = new Set<string>();
let inCase = new Set<string>();
let next = 1;

/** Only what the page may still ask for: the latest read (a label map joining the case) and the case in use. */
function prune(): void {
  for (const k of kept.keys()) if (!lastRead.has(k) && !inCase.has(k)) kept.delete(k);
}

/** Keeps what was read; returns the page's copies, with their handles, and the buffers to move. */
export function keepRead(loaded: CaseFile[]): { files: CaseFile[]; transfer: ArrayBuffer[] } {
  const files = loaded.map((f) => {
    const handle = `read-${next++}`;
    kept.set(handle, f);
    return { ...f, kept: handle, volume: { ...f.volume, data: f.volume.data.slice() } };
  });
  lastRead = new Set(files.map((f) => f.kept));
  prune();
  return { files, transfer: files.map((f) => f.volume.data.buffer as ArrayBuffer) };
}

export interface KeptCase {
  id: string;
  files: { kept: string; name: string; role: Role; alignment?: Alignment }[];
  convention?: LabelConvention;
  reference?: ReferenceChoice;
}

/** The case as the page assembled it, from the kept files; null when one is no longer here (a restarted worker). */
export function assembleKept(c: KeptCase): CaseVolumes | null {
  const files = c.files.map((f) => kept.get(f.kept));
  if (files.some((f) => !f)) return null;
  inCase = new Set(c.files.map((f) => f.kept));
  prune();
  return caseVolumes(assembleCase(files.map((f, i) => ({ ...f!, role: c.files[i].role, name: c.files[i].name, alignment: c.files[i].alignment })), { id: c.id, convention: c.convention, reference: c.reference }));
}
