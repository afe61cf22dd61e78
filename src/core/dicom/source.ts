/**
 * What a DICOM Segmentation must cite of the series it was drawn on: the study, patient and frame
 * of reference it belongs to, and each image's UID and place in the world. dcm2niix's volumes
 * carry none of it, so the headers (not the pixels) are read again here with dcmjs.
 */
import dcmjs from 'dcmjs';
import type { NamedBytes } from '../synthetic/files.ts';

/** One image of the series: its UIDs and its top-left pixel's centre (LPS mm, as DICOM gives it). */
export interface SourceImage {
  sopClassUid: string;
  sopInstanceUid: string;
  position: [number, number, number];
}

/** A classic single-frame series as a SEG references it. */
export interface DicomSource {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  seriesNumber?: number;
  seriesDescription?: string;
  /** Row direction then column direction (LPS), as ImageOrientationPatient. */
  orientation: number[];
  /** Between rows, then between columns (mm), as PixelSpacing. */
  pixelSpacing: [number, number];
  rows: number;
  columns: number;
  sliceThickness?: number;
  /** Patient and study attributes copied into the SEG, so the PACS files it with the study. */
  patient: Record<string, string>;
  study: Record<string, string>;
  images: SourceImage[];
  /** Why no SEG can reference it (e.g. a multi-frame file); absent when one can. */
  unusable?: string;
}

const PATIENT = ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex'];
const STUDY = ['StudyDate', 'StudyTime', 'ReferringPhysicianName', 'StudyID', 'AccessionNumber'];

let quiet = false;

const text = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return String((v as { Alphabetic?: string }).Alphabetic ?? '');
  return String(v);
};
const numbers = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : v === undefined ? [] : [Number(v)]);

/** The header of one file, up to its pixels; null when it is no DICOM file dcmjs can read. */
function readHeader(f: NamedBytes): Record<string, unknown> | null {
  if (!quiet) {
    dcmjs.log.setLevel('error');
    quiet = true;
  }
  try {
    const b = f.bytes;
    const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
    const buffer = (whole ? b.buffer : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) as ArrayBuffer;
    const dict = dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: true, untilTag: '7FE00010', includeUntilTagValue: false, noCopy: true });
    return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  } catch {
    return null;
  }
}

/** The files' series by SeriesInstanceUID, each with what a SEG cites of it. */
export function readDicomSources(files: NamedBytes[]): Map<string, DicomSource> {
  const out = new Map<string, DicomSource>();
  for (const f of files) {
    const h = readHeader(f);
    const uid = h && text(h.SeriesInstanceUID);
    if (!h || !uid) continue;
    let s = out.get(uid);
    if (!s) {
      const spacing = numbers(h.PixelSpacing);
      s = {
        seriesInstanceUid: uid,
        studyInstanceUid: text(h.StudyInstanceUID),
        frameOfReferenceUid: text(h.FrameOfReferenceUID),
        seriesNumber: h.SeriesNumber === undefined ? undefined : Number(h.SeriesNumber),
        seriesDescription: text(h.SeriesDescription) || undefined,
        orientation: numbers(h.ImageOrientationPatient),
        pixelSpacing: [spacing[0], spacing[1]],
        rows: Number(h.Rows),
        columns: Number(h.Columns),
        sliceThickness: h.SliceThickness === undefined ? undefined : Number(h.SliceThickness),
        patient: Object.fromEntries(PATIENT.map((k) => [k, text(h[k])])),
        study: Object.fromEntries(STUDY.map((k) => [k, text(h[k])])),
        images: [],
      };
      out.set(uid, s);
    }
    const frames = Number(h.NumberOfFrames ?? 1);
    const position = numbers(h.ImagePositionPatient);
    if (frames > 1) s.unusable ??= 'its images are multi-frame files, which the studio cannot cite frame by frame yet';
    else if (position.length !== 3 || s.orientation.length !== 6) s.unusable ??= 'an image has no position or orientation in its header';
    else if (Number(h.Rows) !== s.rows || Number(h.Columns) !== s.columns) s.unusable ??= 'its images differ in size';
    else s.images.push({ sopClassUid: text(h.SOPClassUID), sopInstanceUid: text(h.SOPInstanceUID), position: position as [number, number, number] });
  }
  for (const s of out.values()) {
    if (!s.studyInstanceUid || !s.frameOfReferenceUid) s.unusable ??= 'its headers name no study or frame of reference';
    if (!(s.pixelSpacing[0] > 0 && s.pixelSpacing[1] > 0)) s.unusable ??= 'its headers give no pixel spacing';
  }
  return out;
}
