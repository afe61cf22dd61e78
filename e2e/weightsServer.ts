/** A local stand-in for the Hugging Face hub: serves one checkpoint with the CORS headers the hub sends. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WeightsServer {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

/**
 * The port the e2e build allows weights from (STUDIO_WEIGHTS_ORIGINS in package.json's test:e2e
 * and in playwright.config.ts): any other origin is refused by the page's security policy.
 */
export const WEIGHTS_PORT = 4174;
export const WEIGHTS_ORIGIN = `http://127.0.0.1:${WEIGHTS_PORT}`;

export async function serveWeights(bytes: Uint8Array, options: { chunkDelayMs?: number; port?: number } = {}): Promise<WeightsServer> {
  let count = 0;
  const server: Server = createServer(async (_req, res) => {
    count++;
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.byteLength),
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
    if (!options.chunkDelayMs) return res.end(Buffer.from(bytes));
    // A slow download, so that progress and cancel can be watched.
    for (let o = 0; o < bytes.byteLength && !res.destroyed; o += 16384) {
      res.write(Buffer.from(bytes.subarray(o, o + 16384)));
      await new Promise((r) => setTimeout(r, options.chunkDelayMs));
    }
    res.end();
  });
  await new Promise<void>((r) => server.listen(options.port ?? WEIGHTS_PORT, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tiny.safetensors`,
    requests: () => count,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
