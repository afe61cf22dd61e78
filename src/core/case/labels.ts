/**
 * One label convention inside the studio, BraTS 2021's:
 *   0 background, 1 necrotic / non-enhancing tumour core (NCR/NET), 2 peritumoral oedema (ED),
 *   4 enhancing tumour (ET).
 * Regions: whole tumour = {1, 2, 4}, tumour core = {1, 4}, enhancing tumour = {4}.
 * Files in other conventions are mapped on load:
 *   BraTS 2013/2015: 1 necrosis, 2 oedema, 3 non-enhancing, 4 enhancing -> 3 joins 1 (both core).
 *   BraTS 2023:      1 NCR, 2 ED, 3 ET                                   -> 3 becomes 4.
 */
export type LabelConvention = 'brats2015' | 'brats2021' | 'brats2023';

export const LABEL_CONVENTIONS: Record<LabelConvention, string> = {
  brats2015: 'BraTS 2013/2015 (3 = non-enhancing, 4 = enhancing)',
  brats2021: 'BraTS 2017-2021 (4 = enhancing)',
  brats2023: 'BraTS 2023 (3 = enhancing)',
};

export const LABEL_NCR = 1;
export const LABEL_ED = 2;
export const LABEL_ET = 4;

export const BRATS_CLASSES = [
  { value: LABEL_NCR, name: 'Necrosis / non-enhancing core', rgb: [220, 40, 40] },
  { value: LABEL_ED, name: 'Oedema', rgb: [40, 200, 60] },
  { value: LABEL_ET, name: 'Enhancing tumour', rgb: [250, 220, 40] },
] as const;

const ALLOWED: Record<LabelConvention, number[]> = {
  brats2015: [0, 1, 2, 3, 4],
  brats2021: [0, 1, 2, 4],
  brats2023: [0, 1, 2, 3],
};

export class LabelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelError';
  }
}

/** The distinct values of a label map, sorted; non-integers and NaN are kept so they can be reported. */
export function distinctValues(data: ArrayLike<number>, limit = 64): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < data.length && seen.size <= limit; i++) seen.add(data[i]);
  return [...seen].sort((a, b) => a - b);
}

/**
 * Which convention a label map follows. Values decide when they can (3 and 4 together: 2015;
 * 4 without 3: 2021); a lone 3 is non-enhancing in 2015 files and enhancing in 2023 files, so
 * the naming scheme decides, defaulting to 2023.
 */
export function inferConvention(values: number[], hint?: 'brats2015' | 'brats2023' | 'brats2021' | 'generic'): LabelConvention {
  const has = (v: number) => values.includes(v);
  if (has(3) && has(4)) return 'brats2015';
  if (has(4)) return 'brats2021';
  if (has(3)) return hint === 'brats2015' || hint === 'brats2021' ? 'brats2015' : 'brats2023';
  return hint === 'brats2015' || hint === 'brats2023' ? hint : 'brats2021';
}

/**
 * How sure the inferred convention is, in words for the label panel: values alone decide only when
 * 4 is there; a lone 3 leans on the file names; without 3 or 4 every BraTS convention reads alike.
 */
export function conventionEvidence(values: number[]): { decided: boolean; text: string } {
  const has = (v: number) => values.includes(v);
  if (has(4)) return { decided: true, text: 'told by the values' };
  if (has(3)) return { decided: false, text: 'guessed from the file names: 3 is non-enhancing in BraTS 2013/2015 and enhancing in 2023; check it' };
  return { decided: false, text: `values ${values.join(', ')} read the same in every BraTS convention (1 core, 2 oedema); a map of another kind (a 0/1 lesion mask) is read as tumour core` };
}

/** Maps a label map to the studio's convention; unexpected values are an error naming them. */
export function toStudioLabels(data: ArrayLike<number>, convention: LabelConvention): Uint8Array {
  const values = distinctValues(data);
  const bad = values.filter((v) => !ALLOWED[convention].includes(v));
  if (bad.length > 0) {
    const shown = bad.slice(0, 8).map((v) => (Number.isInteger(v) ? String(v) : v.toPrecision(4)));
    throw new LabelError(
      `label map has unexpected values ${shown.join(', ')}${bad.length > 8 ? ', ...' : ''} for ${LABEL_CONVENTIONS[convention]}; expected ${ALLOWED[convention].join(', ')}`,
    );
  }
  const map = new Uint8Array(5);
  map[1] = LABEL_NCR;
  map[2] = LABEL_ED;
  map[3] = convention === 'brats2023' ? LABEL_ET : LABEL_NCR;
  map[4] = LABEL_ET;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = map[data[i]];
  return out;
}
