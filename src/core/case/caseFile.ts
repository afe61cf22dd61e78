/** One file of a case, read, with the role its name (or the user) gave it. */
import type { Volume } from '../volume.ts';
import type { Role } from './roles.ts';
import type { DicomSource } from '../dicom/source.ts';
import type { Affine } from '../geometry/affine.ts';

/** A sequence moved into line with the reference (registration/rigid.ts): kept with the case, applied when it is assembled. */
export interface Alignment {
  /** World (RAS mm) transform from the reference's anatomy to the same anatomy in this file as its header places it. */
  transform: Affine;
  /** The sequence it was aligned to. */
  to: string;
  rotationDeg: number;
  shiftMm: number;
}

export interface CaseFile {
  name: string;
  role: Role;
  volume: Volume;
  /** The compute worker's handle on its own copy of the volume, when the worker read the file. */
  kept?: string;
  /** The DICOM series it was converted from, as a DICOM SEG of it cites it. */
  dicom?: DicomSource;
  alignment?: Alignment;
}
