/** Where downloaded weights are kept between visits: Cache Storage in the browser (see worker/weightCache.ts). */
export interface WeightCache {
  get(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array): Promise<void>;
  delete(url: string): Promise<boolean>;
  /** Cached URLs with their sizes in bytes. */
  list(): Promise<{ url: string; bytes: number }[]>;
}

/** Returns the cached copy, or downloads and caches it; `fromCache` says which happened. */
export async function cachedDownload(
  url: string,
  cache: WeightCache | undefined,
  fetchBytes: () => Promise<Uint8Array>,
  onStorageFailure?: (error: Error) => void,
): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  // Storage that cannot be read (blocked, private mode) is a miss; one that cannot be written
  // (a full quota) must not lose the download. Either way the user is told.
  let told = false;
  const failed = (e: unknown) => {
    if (!told) onStorageFailure?.(e instanceof Error ? e : new Error(String(e)));
    told = true;
  };
  const hit = await cache?.get(url).catch((e) => void failed(e));
  if (hit) return { bytes: hit, fromCache: true };
  const bytes = await fetchBytes();
  await cache?.put(url, bytes).catch(failed);
  return { bytes, fromCache: false };
}
