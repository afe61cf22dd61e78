/** A case as a head on voxel inputs reads it: the filter bank of the modalities it reads, no patch features. */
import type { CaseVolumes } from '../case/case.ts';
import { MODALITIES, type Modality, ROLE_LABELS } from '../case/roles.ts';
import { computeVoxelFeatures } from '../voxels/voxelFeatures.ts';
import type { FineCase } from './fineHead.ts';

/** The modalities a saved head's inputs come from ("flair:z", ...); each must be in the case. */
export function modalitiesRead(c: CaseVolumes, inputs: string[]): Modality[] {
  const read = MODALITIES.filter((m) => inputs.some((n) => n.startsWith(`${m}:`)));
  const missing = read.filter((m) => !c.volumes[m]);
  if (missing.length) throw new Error(`the head was trained on ${read.map((m) => ROLE_LABELS[m]).join(', ')}; case ${c.id} has no ${missing.map((m) => ROLE_LABELS[m]).join(' or ')}`);
  return read;
}

/** The case's filter bank, of every modality it has, or of those a saved head's `inputs` name. */
export function voxelCase(c: CaseVolumes, inputs?: string[]): FineCase & { slices: number[] } {
  const voxels = computeVoxelFeatures(c, { modalities: inputs ? modalitiesRead(c, inputs) : MODALITIES.filter((m) => c.volumes[m]) });
  if (inputs && voxels.names.join() !== inputs.join()) throw new Error(`the head reads ${inputs.length} voxel inputs (${inputs.join(', ')}); this case gives ${voxels.names.length}`);
  return { id: c.id, dims: c.dims, labels: c.labels, voxels, blocks: [], slices: [] };
}
