import { MODALITIES, ROLE_LABELS, type Modality } from '../../core/case/roles.ts';
import { formatReference, parseReference } from '../../core/case/referenceGrid.ts';
import { useEffect } from 'react';
import { exportGrids } from '../../core/case/exportGrid.ts';
import { forgetKeptCase, refreshKept, reopenKeptCase, setExportGrid, setReference, useCase } from '../../state/case.ts';
import { setBackground, useView } from '../../state/view.ts';
import { LabelControls } from './LabelControls.tsx';
import { RoleTable } from './RoleTable.tsx';

export function CasePanel() {
  const current = useCase((s) => s.current);
  const background = useView((s) => s.background);
  const reference = useCase((s) => s.reference);
  const patient = useCase((s) => s.patient);
  const kept = useCase((s) => s.kept);
  const exportGrid = useCase((s) => s.exportGrid);
  useEffect(() => void refreshKept(), []);
  const keptLine = kept && (
    <p className="hint" data-testid="kept-case">
      {current?.id === kept.id ? 'Kept in this browser for your next visit' : `Kept in this browser: ${kept.id}`} ({(kept.bytes / 1e6).toFixed(1)} MB, {kept.files} files).{' '}
      {current?.id !== kept.id && (
        <button type="button" onClick={() => void reopenKeptCase()}>
          Reopen
        </button>
      )}{' '}
      <button type="button" onClick={() => void forgetKeptCase()}>
        Forget it
      </button>
    </p>
  );
  if (!current) {
    return (
      <>
        <p className="hint">
          Drop a case here: FLAIR, T1, T1gd, T2 (and a label map) as .nii or .nii.gz files, a DICOM folder as your PACS exports it, or the
          folder that holds them. Or load a synthetic sample case. Nothing leaves this device.
        </p>
        {keptLine}
      </>
    );
  }
  const present = MODALITIES.filter((m) => current.modalities[m]);
  const ref = current.modalities[present[0]]!;
  return (
    <section className="case" aria-label="Case">
      <h2 data-testid="case-id">{current.id}</h2>
      {patient && (patient.name || patient.id) && (
        <p className="hint" data-testid="patient" title="From the DICOM headers. Shown on this device only; exports leave it out.">
          {[patient.name?.replace(/\^/g, ' '), patient.id && `ID ${patient.id}`, patient.studyDate].filter(Boolean).join(' · ')}
        </p>
      )}
      <p className="hint" data-testid="case-grid">
        {ref.dims.join(' × ')} voxels, {ref.spacing.map((s) => s.toFixed(2)).join(' × ')} mm, shown in RAS+
      </p>
      {keptLine}
      <RoleTable />
      {(current.grid.resampled.length > 0 || reference) && (
        <label title="Sequences on other grids are resampled onto this one through world coordinates (trilinear; label maps nearest). Each file keeps its own grid for exports.">
          Grid{' '}
          <select aria-label="Reference grid" value={reference ? formatReference(reference) : ''} onChange={(e) => setReference(e.currentTarget.value ? parseReference(e.currentTarget.value) : undefined)}>
            <option value="">default ({present.includes('flair') ? 'FLAIR' : 'finest in plane'})</option>
            {present.map((m) => (
              <option key={m} value={m}>
                {ROLE_LABELS[m]}
              </option>
            ))}
            <option value="iso:1">1 mm isotropic</option>
            <option value="iso:2">2 mm isotropic</option>
          </select>
        </label>
      )}
      {exportGrids(current).length > 0 && (
        <label title="Predictions, scribbles and label maps are exported on this grid (nearest neighbour: labels stay labels, exact where the grids coincide)">
          Export on{' '}
          <select aria-label="Export grid" value={exportGrid ?? ''} onChange={(e) => setExportGrid(e.currentTarget.value || undefined)}>
            <option value="">the case grid ({current.grid.reference})</option>
            {exportGrids(current).map((name) => {
              const role = current.files.find((f) => f.name === name)!.role;
              return (
                <option key={name} value={name}>
                  the {ROLE_LABELS[role]} file&apos;s own grid
                </option>
              );
            })}
          </select>
        </label>
      )}
      <label>
        Show{' '}
        <select aria-label="Background image" value={background ?? present[0]} onChange={(e) => setBackground(e.currentTarget.value as Modality)}>
          {present.map((m) => (
            <option key={m} value={m}>
              {ROLE_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <LabelControls />
    </section>
  );
}
