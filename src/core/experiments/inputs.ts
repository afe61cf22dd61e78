/**
 * What a run may read: one setting, its modalities. The backbone's channel mapping, the extra
 * mappings and the voxel inputs all draw from it, so an arm called "FLAIR only" reads FLAIR and
 * nothing else, wherever it runs (the app, the CLI, the dataset workspace). A comparison may hold
 * the voxel inputs fixed across its arms, but only when asked, and the record then says so.
 */
import { MODALITIES, type Modality, shortRoleLabel } from '../case/roles.ts';
import { type ChannelMapping, mappingKey } from '../features/channels.ts';

export interface RunInputs {
  /** Every modality the run read, through the backbone or the voxel inputs. */
  modalities: Modality[];
  /** The modalities the voxel inputs were computed from (none for a head that reads none). */
  voxelModalities: Modality[];
  /** The voxel inputs were held fixed across a comparison's arms, by the user's choice. */
  voxelInputsFixed: boolean;
  /** The voxel-input columns the trained head read, as computed (e.g. "flair:g2"), once it has run. */
  voxelColumns?: string[];
}

/** What a run's settings may say about its inputs. */
export interface InputSettings {
  mapping: ChannelMapping;
  extraMappings?: ChannelMapping[];
  /** The modalities the run may read; absent: every modality its cases share. */
  modalities?: Modality[];
  /** Voxel inputs from these instead (a comparison holding them fixed across arms). */
  voxelModalities?: Modality[];
}

/** The modalities the mappings name, in the studio's order, each once. */
export function mappingModalities(mappings: ChannelMapping[]): Modality[] {
  const named = new Set(mappings.flat().filter((m): m is Modality => m !== null));
  return MODALITIES.filter((m) => named.has(m));
}

/** "flair,t1ce" (the CLI's spelling), each a known modality. */
export function parseModalities(text: string): Modality[] {
  const parts = text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const p of parts) if (!(MODALITIES as readonly string[]).includes(p)) throw new Error(`unknown modality "${p}" (use ${MODALITIES.join(', ')})`);
  if (!parts.length) throw new Error('name at least one modality, e.g. flair,t1ce');
  return MODALITIES.filter((m) => parts.includes(m));
}

export const modalitiesText = (ms: Modality[]): string => (ms.length ? ms.map(shortRoleLabel).join(', ') : 'none');

/**
 * The inputs of a run on cases that share `available` modalities, for a head that reads the
 * backbone's features, the voxel inputs, or both: checked, so a mapping that draws on a modality
 * the run may not read is an error naming both, never a silent read. `modalities` in the answer
 * is what the head actually reads (a linear probe reads its mappings' modalities only).
 */
export function runInputs(s: InputSettings, available: Modality[], reads: { backbone: boolean; voxels: boolean }): RunInputs {
  const inOrder = (ms: Modality[]) => MODALITIES.filter((m) => ms.includes(m));
  const allowed = inOrder(s.modalities ?? available);
  if (!allowed.length) throw new Error('a run must read at least one modality');
  const missing = allowed.filter((m) => !available.includes(m));
  if (missing.length) throw new Error(`the run reads ${modalitiesText(missing)}, which not every case has (they share ${modalitiesText(available)})`);
  const mappings = reads.backbone ? [s.mapping, ...(s.extraMappings ?? [])] : [];
  for (const mapping of mappings) {
    const outside = mappingModalities([mapping]).filter((m) => !allowed.includes(m));
    if (outside.length) throw new Error(`the mapping ${mappingKey(mapping)} reads ${modalitiesText(outside)}, which this run may not read (it reads ${modalitiesText(allowed)})`);
  }
  const voxelModalities = inOrder(s.voxelModalities ?? allowed);
  const lacking = voxelModalities.filter((m) => !available.includes(m));
  if (lacking.length) throw new Error(`the voxel inputs held fixed read ${modalitiesText(lacking)}, which not every case has`);
  const read = [...mappingModalities(mappings), ...(reads.voxels ? voxelModalities : [])];
  return { modalities: inOrder(read), voxelModalities: reads.voxels ? voxelModalities : [], voxelInputsFixed: reads.voxels && !!s.voxelModalities };
}

/** One line for a report: what an arm read. */
export function describeInputs(i: RunInputs): string {
  const fixed = i.voxelInputsFixed ? `; voxel inputs held fixed across arms: ${modalitiesText(i.voxelModalities)}` : '';
  return `reads ${modalitiesText(i.modalities)}${fixed}`;
}
