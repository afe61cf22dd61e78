import { unzipSync } from 'fflate';
import type { NamedBytes } from '../synthetic/files.ts';
import { VolumeTooLargeError } from '../nifti/read.ts';
import { loadVolume } from '../volume.ts';
import type { CaseFile } from './case.ts';
import { chooseLabelMap } from './labelCandidates.ts';
import type { ReferenceChoice } from './referenceGrid.ts';
import { runDcm2niix } from '../dicom/dcm2niix.ts';
import { type DicomPatient, dicomSeries } from '../dicom/series.ts';
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

/** A DICOM file: the "DICM" mark after the 128-byte preamble, or a .dcm/.ima name (files written without the preamble). */
export function isDicomFile(f: NamedBytes): boolean {
  if (/\.(dcm|ima)$/i.test(f.name)) return true;
  const b = f.bytes;
  return b.length > 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

export const isZipName = (name: string) => /\.zip$/i.test(name);

/** A .zip's files (a PACS export or a case folder zipped), folders flattened, the archive's own clutter left out. */
function unzippedFiles(zip: NamedBytes): NamedBytes[] {
  return Object.entries(unzipSync(zip.bytes))
    .filter(([path, bytes]) => !path.endsWith('/') && !path.startsWith('__MACOSX/') && bytes.length > 0)
    .map(([path, bytes]) => ({ name: path.replace(/\//g, '_'), bytes }));
}

export interface CaseRead {
  loaded: CaseFile[];
  failed: FileFailure[];
  /** DICOM series that are no volume of a case (localizers, derived maps, 4D, single slices), with the reason. */
  skipped: { name: string; reason: string }[];
  /** From the DICOM headers: shown on this device, never written into an export. */
  patient?: DicomPatient;
}

/**
 * A case's files as dropped or named: NIfTI files read as they are, DICOM files converted by
 * dcm2niix into one volume per series with the role its headers suggest, then read by the same
 * reader. onStep(task, i, n) comes before the conversion and before each volume is read.
 */
export async function readCaseInput(dropped: NamedBytes[], onStep?: (task: string, done: number, total: number) => void, options: ReadCaseOptions = {}): Promise<CaseRead> {
  const zipFailures: FileFailure[] = [];
  const files = dropped.flatMap((f) => {
    if (!isZipName(f.name)) return [f];
    try {
      return unzippedFiles(f);
    } catch (e) {
      zipFailures.push({ name: f.name, error: `not a readable .zip (${(e as Error).message})` });
      return [];
    }
  });
  const dicom = files.filter(isDicomFile);
  const nifti = files.filter((f) => !isDicomFile(f) && isNiftiName(f.name));
  if (!dicom.length) {
    const read = readCaseFiles(nifti, (i) => onStep?.('Reading files', i, nifti.length), options);
    return { ...read, failed: [...zipFailures, ...read.failed], skipped: [] };
  }
  onStep?.('Converting DICOM series (dcm2niix)', 0, dicom.length);
  const out = await runDcm2niix(dicom);
  const { series, patient } = dicomSeries(out);
  const usable = series.filter((s) => !s.skipped);
  const skipped = series.filter((s) => s.skipped).map((s) => ({ name: `${s.file.name} (${s.description})`, reason: s.skipped! }));
  const failed: FileFailure[] = [];
  if (!series.length) failed.push({ name: `${dicom.length} DICOM file${dicom.length > 1 ? 's' : ''}`, error: `dcm2niix made no volume of them (${out.log.filter((l) => /error|warning|no valid/i.test(l)).slice(-2).join('; ') || 'no image series found'})` });
  const all = [...nifti, ...usable.map((s) => s.file)];
  const read = readCaseFiles(all, (i) => onStep?.('Reading the series', i, all.length), options);
  const roles = new Map(usable.map((s) => [s.file.name, s.role]));
  // What a DICOM SEG of each series will cite: read from the headers now, while the files are here.
  // (dcmjs loads here, not with the page, which imports this module for its file tests.)
  const { readDicomSources } = await import('../dicom/source.ts');
  const sources = readDicomSources(dicom);
  const cited = new Map(usable.flatMap((s) => (s.uid && sources.has(s.uid) ? [[s.file.name, sources.get(s.uid)!] as const] : [])));
  const loaded = read.loaded.map((f) => (roles.has(f.name) ? { ...f, role: roles.get(f.name)!, ...(cited.has(f.name) ? { dicom: cited.get(f.name) } : {}) } : f));
  return { loaded, failed: [...zipFailures, ...failed, ...read.failed], skipped, patient };
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
