/** A label map given beside a case (`--labels L`): on the case's reference grid, in the studio's labels. */
import { readFileSync } from 'node:fs';
import { type BratsCase, referenceVolume } from '../../core/case/case.ts';
import { compareGrids, loadVolume, type Volume } from '../../core/volume.ts';

export function caseLabels(c: BratsCase, path: string): { labels: Volume; values: number[] } {
  const ref = referenceVolume(c);
  const labels = loadVolume(new Uint8Array(readFileSync(path)), path, { labels: true });
  const mismatch = compareGrids(ref, labels);
  if (mismatch) throw new Error(`${path} is not on the ${c.grid.reference} grid of case ${c.id}: ${mismatch.detail} (write it there with reslice, or export it from the studio)`);
  const values = [...new Set(labels.data)].filter((v) => v !== 0).sort((a, b) => a - b);
  const unexpected = values.filter((v) => ![1, 2, 4].includes(v));
  if (unexpected.length) throw new Error(`${path} holds ${unexpected.join(', ')}: the studio's labels are 1 necrosis, 2 oedema, 4 enhancing (or 1 lesion), as reslice and the studio's exports write them`);
  return { labels, values };
}
