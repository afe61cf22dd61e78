/** One file of a case, read, with the role its name (or the user) gave it. */
import type { Volume } from '../volume.ts';
import type { Role } from './roles.ts';

export interface CaseFile {
  name: string;
  role: Role;
  volume: Volume;
  /** The compute worker's handle on its own copy of the volume, when the worker read the file. */
  kept?: string;
}
