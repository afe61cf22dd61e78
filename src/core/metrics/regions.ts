/** The BraTS evaluation regions, as overlapping binary masks of the studio's labels (0, 1, 2, 4). */
import { LABEL_ED, LABEL_ET, LABEL_NCR } from '../case/labels.ts';

export type Region = 'WT' | 'TC' | 'ET';

export const REGIONS: { id: Region; name: string; labels: number[] }[] = [
  { id: 'WT', name: 'Whole tumour', labels: [LABEL_NCR, LABEL_ED, LABEL_ET] },
  { id: 'TC', name: 'Tumour core', labels: [LABEL_NCR, LABEL_ET] },
  { id: 'ET', name: 'Enhancing tumour', labels: [LABEL_ET] },
];

export function regionMask(labels: ArrayLike<number>, region: Region): Uint8Array {
  const set = REGIONS.find((r) => r.id === region)!.labels;
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = set.includes(labels[i]) ? 1 : 0;
  return out;
}
