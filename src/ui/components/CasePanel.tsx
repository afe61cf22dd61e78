import { MODALITIES, ROLE_LABELS, type Modality } from '../../core/case/roles.ts';
import { useCase } from '../../state/case.ts';
import { setBackground, useView } from '../../state/view.ts';
import { LabelControls } from './LabelControls.tsx';
import { RoleTable } from './RoleTable.tsx';

export function CasePanel() {
  const current = useCase((s) => s.current);
  const background = useView((s) => s.background);
  if (!current) {
    return (
      <p className="hint">
        Drop a BraTS case here: FLAIR, T1, T1gd, T2 and a label map as .nii or .nii.gz files, or the folder that holds them. Or load a
        synthetic sample case. Nothing leaves this device.
      </p>
    );
  }
  const present = MODALITIES.filter((m) => current.modalities[m]);
  const ref = current.modalities[present[0]]!;
  return (
    <section className="case" aria-label="Case">
      <h2 data-testid="case-id">{current.id}</h2>
      <p className="hint" data-testid="case-grid">
        {ref.dims.join(' × ')} voxels, {ref.spacing.map((s) => s.toFixed(2)).join(' × ')} mm, shown in RAS+
      </p>
      <RoleTable />
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
