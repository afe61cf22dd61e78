import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, parseOrigins, refusedFetch } from './contentSecurityPolicy.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

const SELF = 'http://127.0.0.1:4173';

describe('content security policy', () => {
  it('lets scripts come only from the studio itself (its own blob: URLs included), and WebAssembly compile', () => {
    const built = directives(contentSecurityPolicy());
    expect(built.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(built.get('default-src')).toEqual(["'self'"]);
    expect(built.get('object-src')).toEqual(["'none'"]);
    expect(built.get('base-uri')).toEqual(["'none'"]);
    expect(built.has('frame-ancestors')).toBe(false); // ignored in <meta>, with a console warning
    expect(directives(contentSecurityPolicy({ header: true })).get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives(contentSecurityPolicy({ dev: true })).get('script-src')).toContain("'unsafe-inline'");
  });

  it('connects only to itself, the hub and its CDNs, and the mirrors it was configured with', () => {
    const connect = directives(contentSecurityPolicy({ weightsOrigins: ['https://models.example.org'] })).get('connect-src')!;
    expect(connect).toEqual(["'self'", 'blob:', 'data:', 'https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co', 'https://models.example.org']);
  });

  it('reads STUDIO_WEIGHTS_ORIGINS, and a typo fails loudly', () => {
    expect(parseOrigins(undefined)).toEqual([]);
    expect(parseOrigins(' https://a.example.org/, http://127.0.0.1:4174 ')).toEqual(['https://a.example.org', 'http://127.0.0.1:4174']);
    expect(() => parseOrigins('https://a.example.org/models')).toThrow(/not an origin; use https:\/\/a.example.org/);
    expect(() => parseOrigins('ftp://a.example.org')).toThrow(/not http/);
    expect(() => parseOrigins('a.example.org')).toThrow(/not a URL/);
  });

  it('refuses a fetch the policy would block, with what to do instead', () => {
    for (const ok of [
      `${SELF}/weights.safetensors`,
      '/relative.safetensors',
      'https://huggingface.co/facebook/dinov2-small/resolve/main/model.safetensors',
      'https://cdn-lfs-us-1.huggingface.co/repos/x',
      'https://cas-bridge.xethub.hf.co/xet-bridge-us/x',
    ]) {
      expect(refusedFetch(ok, SELF), ok).toBeUndefined();
    }
    for (const bad of ['https://huggingface.co.evil.example/x', 'http://huggingface.co/x', 'https://huggingface.co:8443/x', 'http://127.0.0.1:4174/x', 'https://hf.co.example/x']) {
      expect(refusedFetch(bad, SELF), bad).toMatch(/does not fetch from .*STUDIO_WEIGHTS_ORIGINS=/);
    }
    expect(refusedFetch('http://127.0.0.1:4174/tiny.safetensors', SELF, ['http://127.0.0.1:4174'])).toBeUndefined();
  });
});
