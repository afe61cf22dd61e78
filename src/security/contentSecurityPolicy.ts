/**
 * The page's Content-Security-Policy: the browser itself refuses to send a scan anywhere but
 * back to the studio's own origin and to the hosts weights come from. One policy, used for the
 * <meta> tag of the built app (it travels with the files to any static host) and for the
 * headers of the dev and preview servers.
 */
import { CATALOG } from '../core/models/dinov2/catalog.ts';

/** Environment variable: extra origins weights may be fetched from (self-hosted mirrors), space or comma separated. */
export const WEIGHTS_ORIGINS_ENV = 'STUDIO_WEIGHTS_ORIGINS';

// The hub answers /resolve/ with a redirect to its file CDNs (cdn-lfs*.huggingface.co, cas-bridge.xethub.hf.co).
const HUB_REDIRECT_HOSTS = ['https://*.huggingface.co', 'https://*.hf.co'];

export function catalogOrigins(): string[] {
  const urls = CATALOG.flatMap((entry) => [...(entry.weights ?? []), ...(entry.config ? [entry.config] : [])]);
  return [...new Set(urls.map((u) => new URL(u).origin))];
}

/** Parses STUDIO_WEIGHTS_ORIGINS; throws on anything that is not a bare http(s) origin, so a typo fails the build, not the user. */
export function parseOrigins(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  return value.split(/[\s,]+/).filter(Boolean).map((item) => {
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new Error(`${WEIGHTS_ORIGINS_ENV}: "${item}" is not a URL (expected e.g. https://models.example.org)`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${WEIGHTS_ORIGINS_ENV}: "${item}" is not http(s)`);
    if (url.origin !== item.replace(/\/$/, '')) throw new Error(`${WEIGHTS_ORIGINS_ENV}: "${item}" is not an origin; use ${url.origin}`);
    return url.origin;
  });
}

/** Where the page may fetch from besides its own origin: the catalogue's hosts, the hub's CDNs and the configured mirrors. */
export function weightSources(weightsOrigins: string[] = []): string[] {
  return [...new Set([...catalogOrigins(), ...HUB_REDIRECT_HOSTS, ...weightsOrigins])];
}

/** CSP source matching for the sources above: an exact origin, or scheme://*.domain for any subdomain. */
export function sourceAllows(source: string, url: URL): boolean {
  const wild = /^(https?):\/\/\*\.(.+)$/.exec(source);
  if (wild) return url.protocol === `${wild[1]}:` && url.hostname.endsWith(`.${wild[2]}`) && url.port === '';
  return url.origin === source;
}

/**
 * Why the studio will not fetch this URL, or undefined when it may. The worker checks before it
 * fetches: a dedicated worker on a static host gets no policy of its own from a <meta> tag, and
 * the user deserves a message that says what to do rather than "Failed to fetch".
 */
export function refusedFetch(url: string, selfOrigin: string, weightsOrigins: string[] = []): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, selfOrigin);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.origin === selfOrigin) return undefined;
  const sources = weightSources(weightsOrigins);
  if (sources.some((s) => sourceAllows(s, parsed))) return undefined;
  return (
    `the studio does not fetch from ${parsed.origin}: scans and weights stay between this page and ${sources.join(', ')}. ` +
    `Download the file and drop it here, or serve the studio with ${WEIGHTS_ORIGINS_ENV}=${parsed.origin}`
  );
}

export interface PolicyOptions {
  /** The dev server's React refresh preamble is an inline script; the built app has none. */
  dev?: boolean;
  weightsOrigins?: string[];
  /** frame-ancestors only works as a header; a <meta> policy ignores it with a console warning. */
  header?: boolean;
}

export function contentSecurityPolicy(options: PolicyOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    // wasm-unsafe-eval compiles the tfjs and onnxruntime WebAssembly, nothing else; tfjs-backend-wasm's
    // threads load their script from a blob: URL the studio's own code made (importScripts).
    ['script-src', ["'self'", "'wasm-unsafe-eval'", 'blob:', ...(options.dev ? ["'unsafe-inline'"] : [])]],
    // tfjs-backend-wasm starts its threads from blob: workers.
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", 'blob:', 'data:', ...weightSources(options.weightsOrigins)]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    // React and Niivue set style attributes; styles cannot send data anywhere img-src and connect-src forbid.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['font-src', ["'self'", 'data:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ...(options.header ? ([['frame-ancestors', ["'none'"]]] as [string, string[]][]) : []),
  ];
  return directives.map(([name, values]) => `${name} ${[...new Set(values)].join(' ')}`).join('; ');
}
