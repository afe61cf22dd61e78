/** One file of a case, read, with the role its name (or the user) gave it. */
import type { Volume } from '../volume.ts';
import type { Role } from './roles.ts';
import type { DicomSource } from '../dicom/source.ts';

export interface CaseFile {
  name: string;
  role: Role;
  volume: Volume;
  /** The compute worker's handle on its own copy of the volume, when the worker read the file. */
  kept?: string;
  /** The DICOM series it was converted from, as a DICOM SEG of it cites it. */
  dicom?: DicomSource;
}
