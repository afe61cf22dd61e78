import { MODALITIES, ROLE_LABELS, type Modality } from '../../core/case/roles.ts';
import { formatReference, parseReference } from '../../core/case/referenceGrid.ts';
import { useEffect, useState } from 'react';
import { exportFile, exportGrids } from '../../core/case/exportGrid.ts';
import { alignToReference, cancelAlignment, undoAlignment, useAlignment } from '../../state/alignment.ts';
import { forgetKeptCase, refreshKept, reopenKeptCase, setExportGrid, setReference, useCase } from '../../state/case.ts';
import { setBackground, setCheckerboard, useView } from '../../state/view.ts';
import { LabelControls } from './LabelControls.tsx';
import { RoleTable } from './RoleTable.tsx';

export function CasePanel() {
  const current = useCase((s) => s.current);
  const background = useView((s) => s.background);
  const checked = useView((s) => s.checkerboard);
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
  // The sequence the case's grid is (none on an isotropic grid): what others are aligned and checked against.
  const gridRole = exportFile(current)?.role as Modality | undefined;
  return (
    <section className="case" aria-label="Case">
      <h2 data-testid="case-id">{current.id}</h2>
      {patient && (patient.name || patient.id) && (
        <p className="hint" data-testid="patient" title="From the DICOM headers. Shown on this device; NIfTI exports leave it out, a DICOM SEG carries it so the PACS files it with the study.">
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
        <select
          aria-label="Background image"
          value={checked ? `check:${checked}` : (background ?? present[0])}
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v.startsWith('check:')) setCheckerboard(v.slice(6) as Modality);
            else setBackground(v as Modality);
          }}
        >
          {present.map((m) => (
            <option key={m} value={m}>
              {ROLE_LABELS[m]}
            </option>
          ))}
          {gridRole &&
            present
              .filter((m) => m !== gridRole)
              .map((m) => (
                <option key={`check:${m}`} value={`check:${m}`}>
                  Checkerboard: {ROLE_LABELS[gridRole]} / {ROLE_LABELS[m]}
                </option>
              ))}
        </select>
      </label>
      {gridRole && present.length > 1 && <AlignmentRows gridRole={gridRole} present={present} />}
      <LabelControls />
    </section>
  );
}

/** Each sequence against the reference: align it (elastix, rigid) or undo, with what the alignment moved. */
function AlignmentRows({ gridRole, present }: { gridRole: Modality; present: Modality[] }) {
  const files = useCase((s) => s.files);
  const { running, since } = useAlignment();
  // elastix reports no progress of its own: the seconds it has run, once a second.
  const [, tick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [running]);
  return (
    <div className="alignment" data-testid="alignment">
      <span className="hint">Aligned to {ROLE_LABELS[gridRole]} (the patient may move between series):</span>
      {present
        .filter((m) => m !== gridRole)
        .map((m) => {
          const a = files.find((f) => f.role === m)?.alignment;
          return (
            <div key={m} className="row" data-testid={`alignment-${m}`}>
              <span>
                {ROLE_LABELS[m]}:{' '}
                {running === m ? `aligning… ${Math.round((Date.now() - since) / 1000)} s` : a ? `aligned, ${a.rotationDeg.toFixed(2)}° and ${a.shiftMm.toFixed(2)} mm` : 'as its header places it'}
              </span>
              {running === m ? (
                <button type="button" onClick={cancelAlignment}>
                  Cancel
                </button>
              ) : (
                <button type="button" disabled={running !== null} onClick={() => void alignToReference(m)} title="Rigid registration (elastix, mutual information) to the reference, in this browser">
                  {a ? 'Align again' : 'Align'}
                </button>
              )}
              {a && running !== m && (
                <button type="button" onClick={() => undoAlignment(m)}>
                  Undo
                </button>
              )}
            </div>
          );
        })}
    </div>
  );
}
