import { describe, expect, it } from 'vitest';
import { cachedDownload, type WeightCache } from './cache.ts';

function cache(fail: { get?: boolean; put?: boolean }): WeightCache & { stored: Map<string, Uint8Array> } {
  const stored = new Map<string, Uint8Array>();
  const refuse = () => Promise.reject(Object.assign(new Error('quota'), { name: 'QuotaExceededError' }));
  return {
    stored,
    get: async (url) => (fail.get ? refuse() : stored.get(url)),
    put: async (url, bytes) => (fail.put ? refuse() : void stored.set(url, bytes)),
    delete: async (url) => stored.delete(url),
    list: async () => [...stored].map(([url, b]) => ({ url, bytes: b.length })),
  };
}

describe('cachedDownload', () => {
  const bytes = Uint8Array.from([1, 2, 3]);
  it('downloads once, then answers from the cache', async () => {
    const c = cache({});
    let fetched = 0;
    const fetchBytes = async () => (fetched++, bytes);
    expect(await cachedDownload('u', c, fetchBytes)).toEqual({ bytes, fromCache: false });
    expect(await cachedDownload('u', c, fetchBytes)).toEqual({ bytes, fromCache: true });
    expect(fetched).toBe(1);
  });

  it('a cache that cannot be written or read loses nothing downloaded, and the failure is reported', async () => {
    for (const fail of [{ put: true }, { get: true, put: true }]) {
      const failures: string[] = [];
      const got = await cachedDownload('u', cache(fail), async () => bytes, (e) => failures.push(e.name));
      expect(got).toEqual({ bytes, fromCache: false });
      expect(failures).toEqual(['QuotaExceededError']); // once, though both the read and the write failed
    }
  });
});
