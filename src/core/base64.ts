/** Bytes as base64 text and back, for binary data inside JSON (predictions, scribbles). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  // In chunks: spreading megabytes into one call overflows the argument stack.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
