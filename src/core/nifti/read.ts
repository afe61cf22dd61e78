import { Gunzip } from 'fflate';
import { type Affine, affineFromRows, affineProblem, diagonalAffine, qformToAffine } from '../geometry/affine.ts';
import { decodeVoxels, isSupportedDatatype, NIFTI_TYPES, unsupportedDatatypeMessage } from './datatypes.ts';
import { decodeDownsampled, downsampledAffine, downsampledDims, factorFor } from './downsample.ts';
import { headerSize, NiftiError, type NiftiHeader, parseHeader } from './header.ts';
import { headerFor } from './write.ts';

/** A NIfTI image as stored: voxel values (scaling applied) in the file's own axis order. */
export interface NiftiImage {
  header: NiftiHeader;
  dims: [number, number, number];
  /** Voxel-to-world affine chosen as nibabel does: sform, else qform, else pixdim scaling. */
  affine: Affine;
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** Set when a better transform the header offered was unusable (zero, NaN), saying which and why. */
  affineNote?: string;
  data: Float32Array;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Every gzip member, in order. bgzip, `pigz --independent` and files concatenated with cat write
 * several members; fflate's gunzipSync sizes its output from the last member's trailer and
 * returns the first member's bytes cut to that size, so it reads such a file as garbage. The
 * streaming Gunzip reads on into the next member only when the data and the end come in two
 * pushes.
 */
export function gunzip(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  try {
    const stream = new Gunzip((chunk) => chunks.push(chunk));
    stream.push(bytes);
    stream.push(new Uint8Array(0), true);
  } catch (e) {
    throw new NiftiError(`corrupt or truncated gzip data (${(e as Error).message})`);
  }
  // fflate returns nothing, without an error, for a stream cut inside its first header.
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (total === 0) throw new NiftiError('corrupt or truncated gzip data (nothing to decompress)');
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function headerAffine(h: NiftiHeader): { affine: Affine; source: NiftiImage['affineSource'] } {
  return headerAffines(h)[0];
}

const FIELDS: Record<NiftiImage['affineSource'], string> = { sform: 'srow_x/y/z (sform)', qform: 'quatern/qoffset/pixdim (qform)', pixdim: 'pixdim' };

/** The transforms a header offers, best first as nibabel ranks them: sform, qform (when their codes are set), pixdim scaling. */
function headerAffines(h: NiftiHeader): { affine: Affine; source: NiftiImage['affineSource'] }[] {
  const zooms = [h.pixdim[1], h.pixdim[2], h.pixdim[3]].map((z) => (z > 0 ? z : 1)) as [number, number, number];
  return [
    ...(h.sformCode > 0 ? [{ affine: affineFromRows(h.srow), source: 'sform' as const }] : []),
    ...(h.qformCode > 0 ? [{ affine: qformToAffine(h.quatern, h.qoffset, zooms, h.pixdim[0]), source: 'qform' as const }] : []),
    { affine: diagonalAffine(zooms), source: 'pixdim' as const },
  ];
}

/**
 * The best usable transform. Some converters set sform_code and leave srow zero, or write NaN;
 * the next transform the header offers is then the file's geometry, and the user is told.
 */
function chooseAffine(h: NiftiHeader): Pick<NiftiImage, 'affine' | 'affineSource' | 'affineNote'> {
  const candidates = headerAffines(h);
  const problems = candidates.map((c) => affineProblem(c.affine));
  const usable = problems.findIndex((p) => !p);
  if (usable < 0) {
    throw new NiftiError(`its voxel-to-world transform cannot be used: the ${candidates.map((c, i) => `${FIELDS[c.source]} ${problems[i]}`).join(', the ')}; fix the header or save the file again from the tool that made it`);
  }
  const { affine, source } = candidates[usable];
  if (usable === 0) return { affine, affineSource: source };
  const skipped = candidates.slice(0, usable).map((c, i) => `its ${FIELDS[c.source]} ${problems[i]}`).join(' and ');
  return { affine, affineSource: source, affineNote: `${skipped}, so its geometry comes from its ${FIELDS[source]}` };
}

export interface ReadOptions {
  /** Beyond this many voxels the file is refused with a VolumeTooLargeError, unless `downsample` is given. */
  maxVoxels?: number;
  /** Read blocks of f x f x f voxels as one (see downsample.ts). */
  downsample?: number;
  /** A label map: a block takes its most frequent label instead of the mean. */
  labels?: boolean;
}

/** A volume too large to hold, with the factor that would bring it within the limit. */
export class VolumeTooLargeError extends NiftiError {
  constructor(readonly dims: [number, number, number], readonly factor: number, maxVoxels: number) {
    const n = dims[0] * dims[1] * dims[2];
    super(
      `it is ${dims.join('×')} voxels (${Math.round(n / 1e6)} million, ${Math.round((n * 4) / 1e6)} MB as float32), more than the studio holds in a browser tab ` +
        `(${Math.round(maxVoxels / 1e6)} million a volume); it can be opened downsampled ×${factor} (${downsampledDims(dims, factor).join('×')})`,
    );
    this.name = 'VolumeTooLargeError';
  }
}

/** Reads a .nii or .nii.gz held in memory. Throws NiftiError with a user-facing message. */
export function readNifti(raw: Uint8Array, options: ReadOptions = {}): NiftiImage {
  if (raw.byteLength === 0) throw new NiftiError('the file is empty');
  const bytes = isGzip(raw) ? gunzip(raw) : raw;
  const header = parseHeader(bytes);
  const nd = header.dim[0];
  if (nd < 1 || nd > 7) throw new NiftiError(`invalid dim[0] = ${nd}`);
  const extra = header.dim.slice(4, nd + 1).reduce((a, b) => a * Math.max(1, b), 1);
  if (extra > 1) {
    throw new NiftiError(
      `a ${nd}D volume (${header.dim.slice(1, nd + 1).join('x')}) was given; each modality must be a single 3D volume`,
    );
  }
  const dims = [1, 2, 3].map((i) => (i <= nd ? header.dim[i] : 1)) as [number, number, number];
  if (dims.some((d) => d < 1)) throw new NiftiError(`invalid dimensions ${dims.join('x')}`);
  if (!isSupportedDatatype(header.datatype)) throw new NiftiError(unsupportedDatatypeMessage(header.datatype));
  const n = dims[0] * dims[1] * dims[2];
  if (!Number.isFinite(header.voxOffset) || header.voxOffset < 0) throw new NiftiError(`invalid vox_offset ${header.voxOffset}`);
  const offset = Math.max(Math.floor(header.voxOffset), headerSize(header.version));
  const need = n * NIFTI_TYPES[header.datatype].bytes;
  if (bytes.byteLength < offset + need) {
    throw new NiftiError(`file is truncated: ${need} bytes of voxel data expected, ${Math.max(0, bytes.byteLength - offset)} found`);
  }
  const f = options.downsample ?? 1;
  if (f === 1 && options.maxVoxels !== undefined && n > options.maxVoxels) throw new VolumeTooLargeError(dims, factorFor(dims, options.maxVoxels), options.maxVoxels);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // nibabel's rule: a zero or non-finite slope means "no scaling".
  const scaled = header.sclSlope !== 0 && Number.isFinite(header.sclSlope);
  const slope = scaled ? header.sclSlope : 1;
  const inter = scaled && Number.isFinite(header.sclInter) ? header.sclInter : 0;
  const geometry = chooseAffine(header);
  if (f > 1) {
    const stored = { view, offset, dims, datatype: header.datatype, littleEndian: header.littleEndian, slope, inter };
    const coarse = downsampledDims(dims, f);
    const affine = downsampledAffine(geometry.affine, f);
    // The header describes the grid read, so exports overlay it; averaged values are float32.
    const datatype = options.labels ? header.datatype : 16;
    const coarseHeader = { ...headerFor(coarse, affine, datatype, header.descrip), intentCode: header.intentCode };
    const note = `read downsampled ×${f} (${dims.join('×')} → ${coarse.join('×')}${options.labels ? ', most frequent label of each block' : ''})`;
    return { header: coarseHeader, dims: coarse, affine, affineSource: 'sform', affineNote: [geometry.affineNote, note].filter(Boolean).join('; '), data: decodeDownsampled(stored, f, !!options.labels) };
  }
  const values = decodeVoxels(view, offset, n, header.datatype, header.littleEndian);
  const data = values instanceof Float32Array && slope === 1 && inter === 0 ? values : new Float32Array(n);
  if (data !== values) for (let i = 0; i < n; i++) data[i] = values[i] * slope + inter;
  return { header, dims, ...geometry, data };
}
