/** SHA-256 of some arrays' bytes, hex; WebCrypto exists in browsers, workers and Node 20. */
export async function contentHash(parts: (ArrayBufferView | string)[]): Promise<string> {
  const views = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p.buffer, p.byteOffset, p.byteLength)));
  const total = views.reduce((a, v) => a + v.byteLength + 8, 0);
  const joined = new Uint8Array(total);
  let o = 0;
  for (const v of views) {
    new DataView(joined.buffer).setFloat64(o, v.byteLength); // lengths keep ["ab","c"] apart from ["a","bc"]
    joined.set(v, o + 8);
    o += v.byteLength + 8;
  }
  const digest = await crypto.subtle.digest('SHA-256', joined);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
