/**
 * The last clinical case (opened from DICOM, or from sequences on several grids) kept in the
 * browser's IndexedDB, so a reload finds it: the files as dropped, the roles and the grid the user
 * chose. Nothing leaves the device; "Forget" deletes it.
 */
import type { Role } from '../core/case/roles.ts';
import type { NamedBytes } from '../core/synthetic/files.ts';
import { done, openDb, written } from '../storage/idb.ts';

const DB = 'dino-seg-studio-kept-case';
const STORE = 'case';
const KEY = 'last';

export interface KeptCaseRecord {
  id: string;
  files: NamedBytes[];
  /** Roles the user set, by file name (the reader's own are found again on reopening). */
  roles: Record<string, Role>;
  /** The reference grid chosen ("t2", "iso:1"); absent for the default. */
  reference?: string;
  savedAt: number;
  bytes: number;
}

const store = async (mode: IDBTransactionMode) => (await openDb(DB, [{ name: STORE }])).transaction(STORE, mode).objectStore(STORE);

export async function keepCaseRecord(r: KeptCaseRecord): Promise<void> {
  await written((await store('readwrite')).put(r, KEY));
}

export async function keptCaseRecord(): Promise<KeptCaseRecord | null> {
  return ((await done((await store('readonly')).get(KEY))) as KeptCaseRecord | undefined) ?? null;
}

export async function forgetCaseRecord(): Promise<void> {
  await written((await store('readwrite')).delete(KEY));
}
