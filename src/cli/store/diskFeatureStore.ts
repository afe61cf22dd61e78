/**
 * A feature store on disk for batch runs: one F16 safetensors file per case x mapping x model x
 * size x plane x layers (one feature key), each slice a tensor, the key and what made it in the
 * metadata. A file is written whole, to a temporary name and renamed, so a job killed mid-case
 * leaves no half file; a file present is complete, and a rerun skips it.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureStore } from '../../core/features/store.ts';
import { decodeFeatureFile, encodeFeatureFile } from '../../core/features/storeFile.ts';

/** A read that found no file for a key: the command names the case and how to make it. */
export class FeaturesMissing extends Error {
  constructor(readonly key: string) {
    super(`no features stored for ${key}`);
    this.name = 'FeaturesMissing';
  }
}

/** A file's metadata, reading its header only: a store of a whole dataset is tens of GB. */
function storedMetadata(path: string): Record<string, string> {
  const fd = openSync(path, 'r');
  try {
    const length = Buffer.alloc(8);
    readSync(fd, length, 0, 8, 0);
    const header = Buffer.alloc(Number(length.readBigUInt64LE(0)));
    readSync(fd, header, 0, header.length, 8);
    return (JSON.parse(header.toString('utf8')) as { __metadata__?: Record<string, string> }).__metadata__ ?? {};
  } finally {
    closeSync(fd);
  }
}

export const storeFileName = (key: string) => `${key.replaceAll('|', '__').replaceAll(',', '-')}.safetensors`;

export interface DiskFeatureStore extends FeatureStore {
  has(key: string): boolean;
  /** Writes the slices put under `key` as one file, atomically, with `metadata` beside the key. */
  flush(key: string, metadata: Record<string, string>): { file: string; bytes: number };
  path(key: string): string;
}

/**
 * `readOnly`: a key without a file is FeaturesMissing instead of a miss the caller would compute;
 * files read are kept for the last `keep` keys only, so a run over many cases holds a few.
 */
export function diskFeatureStore(dir: string, options: { readOnly?: boolean; keep?: number } = {}): DiskFeatureStore {
  mkdirSync(dir, { recursive: true });
  const pending = new Map<string, Map<number, Uint16Array>>();
  const loaded = new Map<string, Map<number, Uint16Array>>();
  const path = (key: string) => join(dir, storeFileName(key));

  function load(key: string): Map<number, Uint16Array> | undefined {
    const hit = loaded.get(key);
    if (hit) return hit;
    if (!existsSync(path(key))) return undefined;
    const file = decodeFeatureFile(new Uint8Array(readFileSync(path(key))));
    if (file.key !== key) throw new Error(`${path(key)} holds features for ${file.key}, not ${key}`);
    const slices = file.slices;
    loaded.set(key, slices);
    while (loaded.size > (options.keep ?? 4)) loaded.delete(loaded.keys().next().value!);
    return slices;
  }

  return {
    path,
    has: (key) => pending.has(key) || existsSync(path(key)),
    async get(key, slice) {
      const stored = pending.get(key)?.get(slice) ?? load(key)?.get(slice);
      if (!stored && options.readOnly && !existsSync(path(key))) throw new FeaturesMissing(key);
      return stored;
    },
    async put(key, slice, values) {
      if (!pending.has(key)) pending.set(key, new Map());
      pending.get(key)!.set(slice, values);
    },
    flush(key, metadata) {
      const bytes = encodeFeatureFile(key, pending.get(key) ?? new Map(), metadata);
      const temp = `${path(key)}.tmp-${process.pid}`;
      writeFileSync(temp, bytes);
      renameSync(temp, path(key));
      pending.delete(key);
      return { file: path(key), bytes: bytes.byteLength };
    },
    async usage() {
      const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors'));
      const keys = files.map((f) => {
        const meta = storedMetadata(join(dir, f));
        return { key: meta.key, slices: (JSON.parse(meta.slices ?? '[]') as number[]).length, bytes: statSync(join(dir, f)).size };
      });
      return { bytes: keys.reduce((a, k) => a + k.bytes, 0), keys };
    },
    async clear() {
      for (const f of readdirSync(dir).filter((f) => f.endsWith('.safetensors'))) unlinkSync(join(dir, f));
      pending.clear();
      loaded.clear();
    },
    async drop(keys) {
      for (const key of keys) {
        if (existsSync(path(key))) unlinkSync(path(key));
        pending.delete(key);
        loaded.delete(key);
      }
    },
  };
}
