/**
 * The last clinical case (opened from DICOM, or from sequences on several grids) kept in the
 * browser's IndexedDB, so a reload finds it: the files as dropped, the roles and the grid the user
 * chose. Nothing leaves the device; "Forget" deletes it. The files (tens of MB) and what is said
 * about them are kept apart, so showing the case's size or saving a role never reads or rewrites
 * the files.
 */
import type { Alignment } from '../core/case/caseFile.ts';
import type { Role } from '../core/case/roles.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';
import { done, openDb, written } from '../storage/idb.ts';

const DB = 'dino-seg-studio-kept-case';
const STORE = 'case';
const FILES = 'files';
const ABOUT = 'about';

/** What is known of the kept case without its files. */
export interface KeptCaseAbout {
  id: string;
  /** Roles the user set, by file name (the reader's own are found again on reopening). */
  roles: Record<string, Role>;
  /** The reference grid chosen ("t2", "iso:1"); absent for the default. */
  reference?: string;
  /** Sequences aligned to the reference, by file name. */
  alignments?: Record<string, Alignment>;
  savedAt: number;
  bytes: number;
  files: number;
}

const store = async (mode: IDBTransactionMode) => (await openDb(DB, [{ name: STORE }])).transaction(STORE, mode).objectStore(STORE);

export async function keepCaseRecord(about: KeptCaseAbout, files: NamedBytes[]): Promise<void> {
  const s = await store('readwrite');
  s.put(files, FILES);
  await written(s.put(about, ABOUT));
}

export async function keepCaseAbout(about: KeptCaseAbout): Promise<void> {
  await written((await store('readwrite')).put(about, ABOUT));
}

export async function keptCaseAbout(): Promise<KeptCaseAbout | null> {
  return ((await done((await store('readonly')).get(ABOUT))) as KeptCaseAbout | undefined) ?? null;
}

export async function keptCaseFiles(): Promise<NamedBytes[] | null> {
  return ((await done((await store('readonly')).get(FILES))) as NamedBytes[] | undefined) ?? null;
}

export async function forgetCaseRecord(): Promise<void> {
  const s = await store('readwrite');
  s.delete(FILES);
  await written(s.delete(ABOUT));
}
