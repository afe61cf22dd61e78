/**
 * What a prediction is scored on: the BraTS evaluation regions, as overlapping binary masks of the
 * studio's labels (0, 1, 2, 4), or, for a lesion task (one label, e.g. multiple sclerosis), the lesion.
 */
import { LABEL_ED, LABEL_ET, LABEL_NCR } from '../case/labels.ts';

export type Region = 'WT' | 'TC' | 'ET' | 'lesion';

export interface RegionDefinition {
  id: Region;
  name: string;
  labels: number[];
}

export const REGIONS: RegionDefinition[] = [
  { id: 'WT', name: 'Whole tumour', labels: [LABEL_NCR, LABEL_ED, LABEL_ET] },
  { id: 'TC', name: 'Tumour core', labels: [LABEL_NCR, LABEL_ET] },
  { id: 'ET', name: 'Enhancing tumour', labels: [LABEL_ET] },
];

/** A one-label mask read as a lesion: any labelled voxel. */
export const LESION: RegionDefinition = { id: 'lesion', name: 'Lesion', labels: [LABEL_NCR, LABEL_ED, LABEL_ET] };

export const regionName = (id: Region): string => [...REGIONS, LESION].find((r) => r.id === id)?.name ?? id;

export function regionMask(labels: ArrayLike<number>, region: Region): Uint8Array {
  const set = [...REGIONS, LESION].find((r) => r.id === region)!.labels;
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = set.includes(labels[i]) ? 1 : 0;
  return out;
}
