/** Streaming download with byte-level progress and cancellation; fetch exists in browsers, workers and Node. */
export interface DownloadProgress {
  loaded: number;
  /** From Content-Length; undefined when the server does not say. */
  total?: number;
  bytesPerSecond: number;
}

export class DownloadError extends Error {
  constructor(message: string, readonly cancelled = false) {
    super(message);
    this.name = 'DownloadError';
  }
}

export async function download(
  url: string,
  options: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void; fetchImpl?: typeof fetch } = {},
): Promise<Uint8Array> {
  const start = performance.now();
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(url, { signal: options.signal });
  } catch (e) {
    if (options.signal?.aborted) throw new DownloadError('download cancelled', true);
    throw new DownloadError(`could not reach ${url}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new DownloadError(`${url} answered ${response.status} ${response.statusText}`);
  const header = response.headers.get('content-length');
  const total = header ? Number(header) : undefined;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onProgress?.({ loaded: bytes.byteLength, total, bytesPerSecond: 0 });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      const now = performance.now();
      if (now - lastReport > 100) {
        lastReport = now;
        options.onProgress?.({ loaded, total, bytesPerSecond: (loaded / Math.max(now - start, 1)) * 1000 });
      }
    }
  } catch (e) {
    if (options.signal?.aborted) throw new DownloadError('download cancelled', true);
    throw new DownloadError(`download of ${url} broke off after ${loaded} bytes: ${(e as Error).message}`);
  }
  if (total !== undefined && loaded !== total) throw new DownloadError(`download of ${url} is incomplete: ${loaded} of ${total} bytes`);
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  options.onProgress?.({ loaded, total: total ?? loaded, bytesPerSecond: (loaded / Math.max(performance.now() - start, 1)) * 1000 });
  return out;
}
