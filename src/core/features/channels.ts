/** Which modality feeds each of DINOv2's three input channels. */
import { MODALITIES, type Modality, ROLE_LABELS } from '../case/roles.ts';

export type ChannelMapping = [Modality | null, Modality | null, Modality | null];

export const MAPPING_PRESETS: { id: string; name: string; mapping: ChannelMapping }[] = [
  { id: 'three-modalities', name: 'FLAIR → R, T1gd → G, T2 → B', mapping: ['flair', 't1ce', 't2'] },
  { id: 'flair-only', name: 'FLAIR only, repeated to R, G, B', mapping: ['flair', 'flair', 'flair'] },
  { id: 't1ce-only', name: 'T1gd only, repeated to R, G, B', mapping: ['t1ce', 't1ce', 't1ce'] },
];

export class MappingError extends Error {}

/** "flair,t1ce,t2" (the CLI's spelling; "none" for an empty channel). */
export function parseMapping(text: string): ChannelMapping {
  const parts = text.split(',').map((s) => s.trim().toLowerCase());
  if (parts.length !== 3) throw new MappingError(`a mapping names three channels, e.g. flair,t1ce,t2 (got "${text}")`);
  return parts.map((p) => {
    if (p === 'none') return null;
    if (!(MODALITIES as readonly string[]).includes(p)) throw new MappingError(`unknown modality "${p}" (use ${MODALITIES.join(', ')} or none)`);
    return p as Modality;
  }) as ChannelMapping;
}

export function mappingKey(m: ChannelMapping): string {
  return m.map((c) => c ?? 'none').join(',');
}

export function describeMapping(m: ChannelMapping): string {
  return m.map((c, i) => `${'RGB'[i]}: ${c ? ROLE_LABELS[c] : 'empty'}`).join(', ');
}

/**
 * Checks a mapping against the modalities a case has. The error names what is missing and
 * which presets would work with this case.
 */
export function checkMapping(m: ChannelMapping, available: Modality[]): void {
  if (m.every((c) => c === null)) throw new MappingError('the mapping leaves all three channels empty');
  const missing = [...new Set(m.filter((c): c is Modality => c !== null && !available.includes(c)))];
  if (missing.length === 0) return;
  const possible = MAPPING_PRESETS.filter((p) => p.mapping.every((c) => c === null || available.includes(c))).map((p) => p.name);
  const names = missing.map((c) => ROLE_LABELS[c]).join(', ');
  throw new MappingError(
    `this case has no ${names}${possible.length ? `; possible: ${possible.join('; ')}` : ''}`,
  );
}
