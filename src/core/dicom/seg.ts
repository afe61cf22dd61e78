/**
 * A label volume as a DICOM Segmentation (SEG, binary, one segment per label), the object OHIF,
 * 3D Slicer, MONAI Label and PACS exchange. Its frames lie exactly on the images of the source
 * series it cites: each source pixel's centre is taken to the label volume's grid through world
 * coordinates and read there (nearest), so a SEG on the FLAIR of a case computed on another grid
 * still lands on the FLAIR's own slices. dcmjs writes the file; the studio builds the dataset.
 */
import dcmjs from 'dcmjs';
import { type Affine, applyAffine, invertAffine, multiply } from '../geometry/affine.ts';
import type { Dims3 } from '../geometry/orientation.ts';
import type { DicomSource } from './source.ts';
import type { Code, Segment } from './segments.ts';
import type { Alignment } from '../case/caseFile.ts';
import { version as STUDIO_VERSION } from '../../../package.json';

export interface LabelGrid {
  dims: Dims3;
  /** Voxel index to RAS+ world (mm). */
  affine: Affine;
  data: ArrayLike<number>;
}

export interface SegOptions {
  /** Segments to write; those with no voxel on the source's images are left out. */
  segments: Segment[];
  seriesDescription: string;
  /** How the labels were made: a head's prediction (AUTOMATIC), a head trained on scribbles (SEMIAUTOMATIC), or drawn (MANUAL). */
  algorithm: { type: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL'; name: string };
  /** Default: the studio's version. */
  softwareVersion?: string;
  /** Fixed for reproducible tests; default now. */
  date?: Date;
  /** The source sequence's alignment to the reference: its images' anatomy lies at transform^-1 of where their headers place them. */
  alignment?: Pick<Alignment, 'transform'>;
}

const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
// 2.25 (a UUID as a decimal) + "dino-seg-studio" hashed once: the studio's implementation UID.
const IMPLEMENTATION_UID = '2.25.157246925133017330917215539843981870931';

/** A UID under 2.25 from 128 random bits (ISO/IEC 9834-8), as the standard allows without a registered root. */
export function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `2.25.${BigInt(`0x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`).toString()}`;
}

const code = (c: Code) => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });

/** sRGB to the CIELab (D65, scaled to 0-65535) DICOM asks for a segment's recommended colour. */
export function cielab(rgb: readonly [number, number, number]): number[] {
  const lin = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const xyz = [
    (0.4124564 * lin[0] + 0.3575761 * lin[1] + 0.1804375 * lin[2]) / 0.95047,
    0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.072175 * lin[2],
    (0.0193339 * lin[0] + 0.119192 * lin[1] + 0.9503041 * lin[2]) / 1.08883,
  ].map((t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116));
  const [L, a, b] = [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
  return [Math.round((L * 65535) / 100), Math.round(((a + 128) * 65535) / 255), Math.round(((b + 128) * 65535) / 255)];
}

/**
 * The label value under every pixel of one source image: the pixel centre (row r, column c) is
 * IPP + c * columnSpacing * rowDirection + r * rowSpacing * columnDirection in LPS, taken to RAS
 * and into the grid's voxels; outside the grid reads 0.
 */
export function labelsOnImage(grid: LabelGrid, source: Pick<DicomSource, 'orientation' | 'pixelSpacing' | 'rows' | 'columns'>, position: readonly number[], placement?: Affine): Uint8Array {
  const inv = placement ? multiply(invertAffine(grid.affine), placement) : invertAffine(grid.affine);
  const [nx, ny, nz] = grid.dims;
  const o = source.orientation;
  const [dr, dc] = source.pixelSpacing;
  const toVoxel = (lps: number[]) => applyAffine(inv, [-lps[0], -lps[1], lps[2]]);
  const origin = toVoxel([...position]);
  // Linear in (r, c): one step of a column and of a row, in voxels.
  const stepC = toVoxel([position[0] + o[0] * dc, position[1] + o[1] * dc, position[2] + o[2] * dc]).map((v, i) => v - origin[i]);
  const stepR = toVoxel([position[0] + o[3] * dr, position[1] + o[4] * dr, position[2] + o[5] * dr]).map((v, i) => v - origin[i]);
  const out = new Uint8Array(source.rows * source.columns);
  for (let r = 0; r < source.rows; r++) {
    for (let c = 0; c < source.columns; c++) {
      const x = Math.round(origin[0] + c * stepC[0] + r * stepR[0]);
      const y = Math.round(origin[1] + c * stepC[1] + r * stepR[1]);
      const z = Math.round(origin[2] + c * stepC[2] + r * stepR[2]);
      if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) continue;
      out[r * source.columns + c] = grid.data[x + nx * (y + ny * z)];
    }
  }
  return out;
}

/** Images in the order of their position along the slice normal, as the SEG's dimension index counts them. */
function imagesInOrder(source: DicomSource): DicomSource['images'] {
  const o = source.orientation;
  const normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  const along = (p: readonly number[]) => p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  return [...source.images].sort((a, b) => along(a.position) - along(b.position));
}

const dateText = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
const timeText = (d: Date) => d.toISOString().slice(11, 19).replace(/:/g, '');

/** The SEG as a DICOM Part 10 file (explicit VR little endian), and what went into it. */
export function writeDicomSeg(grid: LabelGrid, source: DicomSource, options: SegOptions): { bytes: Uint8Array; frames: number; segments: Segment[] } {
  if (source.unusable) throw new Error(`a DICOM SEG cannot cite the series ${source.seriesDescription ?? source.seriesInstanceUid}: ${source.unusable}`);
  const images = imagesInOrder(source);
  const placement = options.alignment && invertAffine(options.alignment.transform);
  const onImages = images.map((im) => labelsOnImage(grid, source, im.position, placement));
  // Only segments with voxels, and only the frames that hold some (as highdicom and dcmqi write them).
  const frames: { segment: number; image: number; bits: Uint8Array }[] = [];
  const segments = options.segments.filter((s) => onImages.some((l) => l.includes(s.value)));
  if (!segments.length) throw new Error('the label map has no voxel of the exported labels on the images of this series: nothing to export');
  segments.forEach((s, si) => {
    onImages.forEach((l, image) => {
      if (!l.includes(s.value)) return;
      frames.push({ segment: si + 1, image, bits: Uint8Array.from(l, (v) => (v === s.value ? 1 : 0)) });
    });
  });
  // BitsAllocated 1: pixels packed least significant bit first, frames one after another with no
  // padding between them, the whole padded to an even length.
  const pixels = source.rows * source.columns;
  const packed = new Uint8Array(Math.ceil((frames.length * pixels) / 8 / 2) * 2);
  frames.forEach((f, k) => {
    const base = k * pixels;
    for (let i = 0; i < pixels; i++) if (f.bits[i]) packed[(base + i) >> 3] |= 1 << ((base + i) & 7);
  });
  const now = options.date ?? new Date();
  const sopInstanceUid = newUid();
  const dimensionUid = newUid();
  const o = source.orientation;
  const spacingBetween = images.length > 1 ? Math.hypot(...[0, 1, 2].map((i) => images[1].position[i] - images[0].position[i])) : undefined;
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SEG_SOP_CLASS,
    SOPInstanceUID: sopInstanceUid,
    ImageType: ['DERIVED', 'PRIMARY'],
    InstanceCreationDate: dateText(now),
    InstanceCreationTime: timeText(now),
    ContentDate: dateText(now),
    ContentTime: timeText(now),
    ...source.patient,
    ...source.study,
    StudyInstanceUID: source.studyInstanceUid,
    Modality: 'SEG',
    SeriesInstanceUID: newUid(),
    SeriesNumber: 1000 + (source.seriesNumber ?? 0),
    SeriesDescription: options.seriesDescription.slice(0, 64),
    InstanceNumber: 1,
    FrameOfReferenceUID: source.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    Manufacturer: 'dino-seg-studio',
    ManufacturerModelName: 'dino-seg-studio',
    DeviceSerialNumber: '1',
    SoftwareVersions: options.softwareVersion ?? STUDIO_VERSION,
    ContentLabel: 'SEGMENTATION',
    ContentDescription: options.seriesDescription.slice(0, 64),
    ContentCreatorName: '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: source.rows,
    Columns: source.columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    SegmentSequence: segments.map((s, i) => ({
      SegmentNumber: i + 1,
      SegmentLabel: s.label.slice(0, 64),
      SegmentAlgorithmType: options.algorithm.type,
      ...(options.algorithm.type === 'MANUAL' ? {} : { SegmentAlgorithmName: options.algorithm.name.slice(0, 64) }),
      SegmentedPropertyCategoryCodeSequence: [code(s.category)],
      SegmentedPropertyTypeCodeSequence: [code(s.type)],
      RecommendedDisplayCIELabValue: cielab(s.rgb),
    })),
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionUid }],
    DimensionOrganizationType: '3D',
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionUid, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'Segment Number' },
      { DimensionOrganizationUID: dimensionUid, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'Image Position Patient' },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: source.pixelSpacing, SliceThickness: source.sliceThickness ?? spacingBetween ?? 1, ...(spacingBetween ? { SpacingBetweenSlices: Number(spacingBetween.toFixed(6)) } : {}) }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: o }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map((f) => {
      const im = images[f.image];
      return {
        FrameContentSequence: [{ DimensionIndexValues: [f.segment, f.image + 1] }],
        PlanePositionSequence: [{ ImagePositionPatient: im.position }],
        SegmentIdentificationSequence: [{ ReferencedSegmentNumber: f.segment }],
        DerivationImageSequence: [
          {
            SourceImageSequence: [
              {
                ReferencedSOPClassUID: im.sopClassUid,
                ReferencedSOPInstanceUID: im.sopInstanceUid,
                PurposeOfReferenceCodeSequence: [{ CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' }],
              },
            ],
            DerivationCodeSequence: [{ CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' }],
          },
        ],
      };
    }),
    NumberOfFrames: frames.length,
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.seriesInstanceUid,
        ReferencedInstanceSequence: images.map((im) => ({ ReferencedSOPClassUID: im.sopClassUid, ReferencedSOPInstanceUID: im.sopInstanceUid })),
      },
    ],
    PixelData: [packed.buffer],
    _vrMap: { PixelData: 'OB' },
  };
  const version = new Uint8Array([0, 1]);
  const meta = dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: version.buffer,
    MediaStorageSOPClassUID: SEG_SOP_CLASS,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_UID,
    ImplementationVersionName: 'DINOSEGSTUDIO',
  });
  const dict = new dcmjs.data.DicomDict(meta);
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return { bytes: new Uint8Array(dict.write()), frames: frames.length, segments };
}
