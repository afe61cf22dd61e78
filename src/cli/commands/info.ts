import { assembleCase, referenceVolume } from '../../core/case/case.ts';
import { orientationCode } from '../../core/geometry/orientation.ts';
import { labelSource } from '../../core/case/labelCandidates.ts';
import { loadNotes, readCaseInput } from '../../core/case/load.ts';
import { applyRoleOverrides } from '../../core/case/roleOverrides.ts';
import type { LabelConvention } from '../../core/case/labels.ts';
import { caseIdOfInputs, readCaseInputs } from '../files.ts';
import type { ParsedArgs } from '../args.ts';
import { UsageError } from '../args.ts';
import { failedFilesMessage, readOptions, ROLE_FLAG, roleOverrides } from './runSetup.ts';

export const infoHelp = `info PATH... [--convention brats2015|brats2021|brats2023] ${ROLE_FLAG}   load a case (folder or files) and describe it`;

export class InputError extends Error {}

export async function info(args: ParsedArgs): Promise<unknown> {
  if (args.positionals.length === 0) throw new UsageError('info needs a folder or files');
  const read = await readCaseInput(readCaseInputs(args.positionals, { dicom: true }), undefined, readOptions(args));
  if (read.failed.length > 0) throw new InputError(failedFilesMessage(read.failed));
  for (const note of loadNotes(read.loaded)) process.stderr.write(`${note}\n`);
  const { files: loaded, unmatched } = applyRoleOverrides(read.loaded, roleOverrides(args));
  if (unmatched.length) throw new UsageError(`--role pattern ${unmatched.map((p) => `"${p}"`).join(', ')} matches no file`);
  const convention = args.flags.get('convention')?.[0] as LabelConvention | undefined;
  const c = assembleCase(loaded, { convention, id: caseIdOfInputs(args.positionals), reference: readOptions(args).reference });
  const counts: Record<string, number> = {};
  c.labels?.data.forEach((v) => (counts[v] = (counts[v] ?? 0) + 1));
  const ref = referenceVolume(c);
  return {
    id: c.id,
    dims: ref.dims,
    spacing: ref.spacing.map((s) => +s.toFixed(4)),
    reference: { grid: c.grid.reference, resampled: c.grid.resampled },
    files: loaded.map((f) => ({
      name: f.name,
      role: f.role,
      dims: f.volume.source.reorientation.storedDims,
      spacing: f.volume.source.reorientation.axis.map((_, stored) => +f.volume.spacing[f.volume.source.reorientation.axis.indexOf(stored)].toFixed(4)),
      orientation: orientationCode(f.volume.source.reorientation),
      datatype: f.volume.source.header.datatype,
      nonFiniteVoxels: f.volume.nonFinite ?? 0,
      storedOrientation: f.volume.source.reorientation,
    })),
    labels: c.labels ? { file: c.labels.fileName, source: labelSource(c.labels.fileName), convention: c.labels.convention, fileValues: c.labels.fileValues, voxels: counts } : null,
    otherLabelMaps: c.labelAlternatives,
    skippedSeries: read.skipped,
    ...(read.patient ? { patient: read.patient } : {}),
  };
}
