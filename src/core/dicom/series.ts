/**
 * The series dcm2niix made of a DICOM folder, each with the role its headers suggest, or the
 * reason it is skipped. Roles come from the series description and protocol name as
 * technologists write them, then from the sequence's timing where the names say nothing.
 */
import { parseHeader } from '../nifti/header.ts';
import type { Role } from '../case/roles.ts';
import type { NamedBytes } from '../synthetic/files.ts';
import type { Dcm2niixOutput } from './dcm2niix.ts';

/** A BIDS sidecar's fields the studio reads (times in seconds). */
export interface Sidecar {
  SeriesDescription?: string;
  ProtocolName?: string;
  SeriesNumber?: number;
  SeriesInstanceUID?: string;
  ImageType?: string[];
  InversionTime?: number;
  EchoTime?: number;
  RepetitionTime?: number;
  ContrastBolusAgent?: string;
  PatientName?: string;
  PatientID?: string;
  AcquisitionDateTime?: string;
  StudyDate?: string;
  AcquisitionDate?: string;
}

export interface DicomSeries {
  file: NamedBytes;
  description: string;
  /** The role its headers suggest; 'ignore' for other sequences (listed, viewable by role change). */
  role: Role;
  /** Why the series cannot be a volume of the case; absent when it can. */
  skipped?: string;
  /** Its SeriesInstanceUID, which a DICOM SEG of it cites. */
  uid?: string;
}

export interface DicomPatient {
  name?: string;
  id?: string;
  studyDate?: string;
}

const has = (text: string, re: RegExp) => re.test(text);

/** FLAIR, T1, T1 post-contrast or T2 from names first, then from TI/TE/TR; 'ignore' when neither tells. */
export function seriesRole(s: Sidecar): Role {
  const text = ` ${s.SeriesDescription ?? ''} ${s.ProtocolName ?? ''} `.toLowerCase().replace(/[_\-]+/g, ' ');
  if (has(text, /flair|tirm|dark ?fluid|\bda ?fl\b/)) return 'flair';
  const post = has(text, /\+ ?c\b|\bc\+|post|gad|\bgd\b|contrast|\bce\b|t1c\b|t1ce|t1gd/) || !!s.ContrastBolusAgent;
  const t1 = has(text, /\bt1|mp ?rage|spgr|bravo|\btfl|vibe/);
  if (t1 && post) return 't1ce';
  if (t1) return 't1';
  if (has(text, /\bt2(?!\*| ?star)/) && !has(text, /swi|gre\b|t2\*|flash/)) return 't2';
  const [ti, te, tr] = [s.InversionTime ?? 0, s.EchoTime ?? 0, s.RepetitionTime ?? 0];
  if (ti > 1.5 && te > 0.06) return 'flair';
  if (tr > 0 && tr < 1 && te > 0 && te < 0.03) return post ? 't1ce' : 't1';
  if (tr > 2 && te > 0.06) return 't2';
  return 'ignore';
}

/** Why a series is no volume of a case (localizer, derived map, 4D, single slice); undefined when it is one. */
export function skipReason(s: Sidecar, dims: number[]): string | undefined {
  const text = `${s.SeriesDescription ?? ''} ${s.ProtocolName ?? ''} ${(s.ImageType ?? []).join(' ')}`.toLowerCase();
  if (/localizer|localiser|scout|survey|3 ?plane ?loc/.test(text)) return 'a localizer';
  if ((s.ImageType ?? []).some((t) => t.toUpperCase() === 'DERIVED')) return 'derived by the scanner (a computed map, reformat or subtraction)';
  if (dims[0] >= 4 && dims[4] > 1) return `4D (${dims[4]} volumes: diffusion, perfusion or a time series)`;
  if (dims[3] <= 1) return 'a single slice';
  return undefined;
}

/**
 * A sidecar as dcm2niix wrote it: a damaged header's text can carry control characters that make
 * its JSON invalid (found by fuzzing); they are read as spaces, and an unreadable sidecar as none.
 */
function parseSidecar(bytes: Uint8Array): Sidecar {
  const text = new TextDecoder().decode(bytes);
  for (const attempt of [text, text.replace(/[\u0000-\u001f]/g, ' ')]) {
    try {
      return typedSidecar(JSON.parse(attempt));
    } catch {
      // the next attempt, or none
    }
  }
  return {};
}

/** Only the fields the studio reads, each of the type it reads them as. */
function typedSidecar(raw: Record<string, unknown>): Sidecar {
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  const num = (k: string) => (typeof raw[k] === 'number' && Number.isFinite(raw[k]) ? (raw[k] as number) : undefined);
  const out: Sidecar = {
    SeriesDescription: text('SeriesDescription'),
    ProtocolName: text('ProtocolName'),
    SeriesNumber: num('SeriesNumber'),
    SeriesInstanceUID: text('SeriesInstanceUID'),
    ImageType: Array.isArray(raw.ImageType) ? raw.ImageType.map(String) : undefined,
    InversionTime: num('InversionTime'),
    EchoTime: num('EchoTime'),
    RepetitionTime: num('RepetitionTime'),
    ContrastBolusAgent: text('ContrastBolusAgent'),
    PatientName: text('PatientName'),
    PatientID: text('PatientID'),
    AcquisitionDateTime: text('AcquisitionDateTime'),
    StudyDate: text('StudyDate'),
    AcquisitionDate: text('AcquisitionDate'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Sidecar;
}

/** The series of a conversion, with roles (one series per role, the first by series number) and skip reasons. */
export function dicomSeries(out: Dcm2niixOutput): { series: DicomSeries[]; patient: DicomPatient } {
  const sidecars = new Map(out.files.filter((f) => f.name.endsWith('.json')).map((f) => [f.name.replace(/\.json$/, ''), parseSidecar(f.bytes)]));
  const taken = new Set<Role>();
  let patient: DicomPatient = {};
  const series = out.files
    .filter((f) => /\.nii$/.test(f.name))
    .map((file) => {
      const s = sidecars.get(file.name.replace(/\.nii$/, '')) ?? {};
      if (!patient.name && !patient.id) patient = { name: s.PatientName, id: s.PatientID, studyDate: s.StudyDate ?? s.AcquisitionDate ?? s.AcquisitionDateTime?.slice(0, 10) };
      const description = s.SeriesDescription ?? s.ProtocolName ?? file.name;
      let skipped: string | undefined;
      try {
        skipped = skipReason(s, parseHeader(file.bytes).dim);
      } catch (e) {
        skipped = (e as Error).message;
      }
      return { file, description, number: s.SeriesNumber ?? 0, role: seriesRole(s), skipped, uid: s.SeriesInstanceUID };
    })
    .sort((a, b) => a.number - b.number)
    .map(({ file, description, role, skipped, uid }): DicomSeries => {
      // A second series of a role (a repeat, another plane) is listed to choose by hand.
      const r: Role = skipped || taken.has(role) ? 'ignore' : role;
      if (r !== 'ignore') taken.add(r);
      return { file, description, role: r, ...(skipped ? { skipped } : {}), ...(uid ? { uid } : {}) };
    });
  return { series, patient };
}
