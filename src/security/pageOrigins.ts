/** The mirrors the studio was built or served with (STUDIO_WEIGHTS_ORIGINS), as the page and its worker see them. */
import { refusedFetch } from './contentSecurityPolicy.ts';

declare const __STUDIO_WEIGHTS_ORIGINS__: string[] | undefined;

export const configuredWeightsOrigins: string[] = typeof __STUDIO_WEIGHTS_ORIGINS__ === 'undefined' ? [] : __STUDIO_WEIGHTS_ORIGINS__;

/** refusedFetch for this page (or worker): its own origin and the configured mirrors. */
export function refusedHere(url: string): string | undefined {
  return refusedFetch(url, globalThis.location?.origin ?? 'null', configuredWeightsOrigins);
}
