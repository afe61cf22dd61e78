import type { NamedBytes } from '../synthetic/files.ts';
import { VolumeTooLargeError } from '../nifti/read.ts';
import { loadVolume } from '../volume.ts';
import type { CaseFile } from './case.ts';
import { chooseLabelMap } from './labelCandidates.ts';
import type { ReferenceChoice } from './referenceGrid.ts';
import { detectRole, MODALITIES, type Modality } from './roles.ts';

export interface FileFailure {
  name: string;
  error: string;
  /** Too large to hold: the downsampling factor that would open it. */
  downsample?: number;
}

/**
 * Voxels a volume may have in the studio (4.5 BraTS volumes, 160 MB as float32): a case holds four
 * or five such volumes beside its normalised copies and features, in a tab's memory.
 */
export const MAX_VOXELS = 40_000_000;

export interface ReadCaseOptions {
  maxVoxels?: number;
  /** Read every volume of the case downsampled by this factor (one grid for all of them). */
  downsample?: number;
  /** The grid the case is computed on (default: the FLAIR's, else the finest in plane). */
  reference?: ReferenceChoice;
}

export function isNiftiName(name: string): boolean {
  return /\.nii(\.gz)?$/i.test(name);
}

/**
 * Reads every file and gives it the role its name suggests ("ignore" when none). A file that
 * cannot be read is reported with the reason and left out; the others still load. Of several label
 * maps the best by name is taken, the others kept as alternatives. onFile(i) comes before file i.
 */
export function readCaseFiles(files: NamedBytes[], onFile?: (done: number) => void, options: ReadCaseOptions = {}): { loaded: CaseFile[]; failed: FileFailure[] } {
  const loaded: CaseFile[] = [];
  const failed: FileFailure[] = [];
  for (const [i, { name, bytes }] of files.entries()) {
    onFile?.(i);
    const role = detectRole(name)?.role ?? 'ignore';
    try {
      const labels = role === 'seg' || role === 'altseg' || role === 'brainmask';
      loaded.push({ name, role, volume: loadVolume(bytes, name, { maxVoxels: options.maxVoxels ?? MAX_VOXELS, downsample: options.downsample, labels }) });
    } catch (e) {
      failed.push({ name, error: (e as Error).message, ...(e instanceof VolumeTooLargeError ? { downsample: e.factor } : {}) });
    }
  }
  return { loaded: chooseLabelMap(loaded), failed };
}

/** What the user should know about files that did load: voxels read as no data, geometry from a lesser transform, no image at all. */
export function loadNotes(loaded: CaseFile[]): string[] {
  return loaded.flatMap(({ name, role, volume }) => {
    // A blank label map is a case without tumour; a blank modality is a mistake worth a word.
    const blank = MODALITIES.includes(role as Modality) ? constantValue(volume.data) : undefined;
    return [
      ...(volume.nonFinite ? [`${name}: ${volume.nonFinite.toLocaleString('en-US')} voxel${volume.nonFinite === 1 ? ' was' : 's were'} NaN or infinite; they are read as 0 (no data).`] : []),
      ...(volume.affineNote ? [`${name}: ${volume.affineNote}.`] : []),
      ...(blank !== undefined ? [`${name}: every voxel is ${blank}; it holds no image (an export that failed, or the wrong file?).`] : []),
    ];
  });
}

function constantValue(data: Float32Array): number | undefined {
  const first = data[0];
  for (let i = 1; i < data.length; i++) if (data[i] !== first) return undefined;
  return data.length ? first : undefined;
}
