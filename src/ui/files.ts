/** Turning the browser's File objects and drops (files or folders) into named bytes. */
import type { NamedBytes } from '../core/synthetic/files.ts';

export async function readFiles(files: File[]): Promise<NamedBytes[]> {
  return Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

function entryFiles(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) return new Promise((res, rej) => (entry as FileSystemFileEntry).file((f) => res([f]), rej));
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  return new Promise((res, rej) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns at most 100 entries a call; read until it returns none.
    const next = () =>
      reader.readEntries(async (batch) => {
        if (batch.length) {
          all.push(...batch);
          next();
        } else res((await Promise.all(all.map(entryFiles))).flat());
      }, rej);
    next();
  });
}

/** Files of a drop, folders walked recursively; a single dropped folder names the case. */
export async function filesFromDrop(dt: DataTransfer): Promise<{ files: File[]; folder?: string }> {
  const entries = Array.from(dt.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return { files: Array.from(dt.files) };
  const files = (await Promise.all(entries.map(entryFiles))).flat();
  const folder = entries.length === 1 && entries[0].isDirectory ? entries[0].name : undefined;
  return { files, folder };
}

/** The folder name of files picked with a directory input ("case/flair.nii.gz" -> "case"). */
export function pickedFolder(files: File[]): string | undefined {
  const path = (files[0] as File & { webkitRelativePath?: string })?.webkitRelativePath;
  return path && path.includes('/') ? path.split('/')[0] : undefined;
}
