/** Downloaded weights in Cache Storage, so the next visit needs no network. */
import type { WeightCache } from '../core/weights/cache.ts';

const NAME = 'dino-seg-studio-weights-v1';

export function cacheStorageWeights(): WeightCache | undefined {
  if (typeof caches === 'undefined') return undefined;
  return {
    async get(url) {
      const hit = await (await caches.open(NAME)).match(url);
      return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
    },
    async put(url, bytes) {
      const body = bytes.slice().buffer as ArrayBuffer;
      await (await caches.open(NAME)).put(url, new Response(body, { headers: { 'content-length': String(bytes.byteLength) } }));
    },
    async delete(url) {
      return (await caches.open(NAME)).delete(url);
    },
    async list() {
      const cache = await caches.open(NAME);
      const keys = await cache.keys();
      return Promise.all(keys.map(async (k) => ({ url: k.url, bytes: Number((await cache.match(k))?.headers.get('content-length') ?? 0) })));
    },
  };
}
