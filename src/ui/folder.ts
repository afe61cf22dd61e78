/**
 * A dataset folder's files with their paths inside it, however the user hands it over: a folder
 * picked with the File System Access API (Chromium; the handle is kept in IndexedDB so a reload
 * re-opens it with one click), a directory input (every browser), or a dropped folder.
 */
import { done, openDb, written } from '../storage/idb.ts';

export interface FolderEntry {
  path: string;
  file: File;
}

export interface PickedFolder {
  name: string;
  entries: FolderEntry[];
}

type DirectoryHandle = FileSystemDirectoryHandle & {
  values(): AsyncIterable<FileSystemDirectoryHandle | FileSystemFileHandle>;
  queryPermission?(o: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(o: { mode: 'read' }): Promise<PermissionState>;
};

export const canPickFolder = () => typeof window !== 'undefined' && 'showDirectoryPicker' in window;

async function walkHandle(dir: DirectoryHandle, prefix: string, out: FolderEntry[]): Promise<FolderEntry[]> {
  for await (const h of dir.values()) {
    const path = `${prefix}/${h.name}`;
    if (h.kind === 'directory') await walkHandle(h as DirectoryHandle, path, out);
    else out.push({ path, file: await (h as FileSystemFileHandle).getFile() });
  }
  return out;
}

const DB = 'dino-seg-studio-folders';
const HANDLES = 'handles';
const handles = async (mode: IDBTransactionMode) => (await openDb(DB, [{ name: HANDLES }])).transaction(HANDLES, mode).objectStore(HANDLES);

/** Asks for a folder (File System Access API) and remembers it for the next visit. */
export async function pickFolder(): Promise<PickedFolder | null> {
  let dir: DirectoryHandle;
  try {
    dir = (await (window as unknown as { showDirectoryPicker(o: { mode: 'read' }): Promise<DirectoryHandle> }).showDirectoryPicker({ mode: 'read' })) as DirectoryHandle;
  } catch (e) {
    if ((e as Error).name === 'AbortError') return null;
    throw e;
  }
  await written((await handles('readwrite')).put(dir, 'dataset')).catch(() => undefined);
  return { name: dir.name, entries: await walkHandle(dir, dir.name, []) };
}

/** The folder picked on an earlier visit, if the browser kept its handle. */
export async function rememberedFolder(): Promise<DirectoryHandle | null> {
  try {
    return ((await done((await handles('readonly')).get('dataset'))) as DirectoryHandle | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Re-opens a remembered folder; the browser asks the user once (a click must start it). */
export async function reopenFolder(dir: DirectoryHandle): Promise<PickedFolder | null> {
  const state = (await dir.queryPermission?.({ mode: 'read' })) ?? 'granted';
  if (state !== 'granted' && (await dir.requestPermission?.({ mode: 'read' })) !== 'granted') return null;
  return { name: dir.name, entries: await walkHandle(dir, dir.name, []) };
}

/** Files from a directory input: each has its path from the picked folder in webkitRelativePath. */
export function inputFolder(files: FileList | File[]): PickedFolder | null {
  const entries = Array.from(files).map((file) => ({ path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name, file }));
  if (!entries.length) return null;
  return { name: entries[0].path.includes('/') ? entries[0].path.split('/')[0] : 'dataset', entries };
}

function walkEntry(entry: FileSystemEntry, out: FolderEntry[]): Promise<void> {
  if (entry.isFile) return new Promise((res, rej) => (entry as FileSystemFileEntry).file((file) => res(void out.push({ path: entry.fullPath.replace(/^\//, ''), file })), rej));
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  return new Promise((res, rej) => {
    // readEntries returns at most 100 entries a call; read until it returns none.
    const next = () =>
      reader.readEntries(async (batch) => {
        if (!batch.length) return res();
        for (const e of batch) await walkEntry(e, out);
        next();
      }, rej);
    next();
  });
}

/** A dropped folder, walked with paths. */
export async function droppedFolder(dt: DataTransfer): Promise<PickedFolder | null> {
  const entries = Array.from(dt.items).map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const out: FolderEntry[] = [];
  for (const e of entries) await walkEntry(e, out);
  if (!out.length) return null;
  return { name: entries.length === 1 && entries[0].isDirectory ? entries[0].name : 'dataset', entries: out };
}
