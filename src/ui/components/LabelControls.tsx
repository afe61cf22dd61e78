import { BRATS_CLASSES, conventionEvidence, LABEL_CONVENTIONS, type LabelConvention } from '../../core/case/labels.ts';
import { labelSource } from '../../core/case/labelCandidates.ts';
import { setConvention, setRole, useCase } from '../../state/case.ts';
import { setLabelOpacity, setLabelStyle, setLabelsVisible, useView } from '../../state/view.ts';
import type { LabelStyle } from '../niivue/adapter.ts';

export function LabelControls() {
  const labels = useCase((s) => s.current?.labels);
  const alternatives = useCase((s) => s.current?.labelAlternatives ?? []);
  const visible = useView((s) => s.labelsVisible);
  const opacity = useView((s) => s.labelOpacity);
  const style = useView((s) => s.labelStyle);
  if (!labels) return <p className="hint">No label map in this case.</p>;
  const evidence = conventionEvidence(labels.fileValues);
  return (
    <section className="labels" aria-label="Label map">
      <h3>Label map</h3>
      {alternatives.length ? (
        <label>
          Score against{' '}
          <select aria-label="Label map file" value={labels.fileName} onChange={(e) => setRole(e.currentTarget.value, 'seg')}>
            {[labels.fileName, ...alternatives].map((name) => (
              <option key={name} value={name}>
                {name} ({labelSource(name)})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className="hint" data-testid="label-file">
          {labels.fileName}
        </p>
      )}
      <label>
        Convention{' '}
        <select aria-label="Label convention" value={labels.convention} onChange={(e) => setConvention(e.currentTarget.value as LabelConvention)}>
          {Object.entries(LABEL_CONVENTIONS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">Values in the file: {labels.fileValues.join(', ')}</p>
      {!evidence.decided && (
        <p className="hint warning" data-testid="convention-evidence">
          Convention not told by the values: {evidence.text}.
        </p>
      )}
      <label>
        <input type="checkbox" checked={visible} onChange={(e) => setLabelsVisible(e.currentTarget.checked)} /> Show labels
      </label>
      <label>
        Draw{' '}
        <select aria-label="Label style" value={style} onChange={(e) => setLabelStyle(e.currentTarget.value as LabelStyle)}>
          <option value="outline">outline (prediction filled)</option>
          <option value="filled">filled</option>
        </select>
      </label>
      <label>
        Opacity{' '}
        <input
          type="range"
          aria-label="Label opacity"
          min={0}
          max={1}
          step={0.05}
          value={opacity}
          onChange={(e) => setLabelOpacity(Number(e.currentTarget.value))}
        />
      </label>
      <ul className="legend" data-testid="legend">
        {BRATS_CLASSES.map((c) => (
          <li key={c.value}>
            <span className="swatch" style={{ background: `rgb(${c.rgb.join(',')})` }} />
            {c.name} ({c.value})
          </li>
        ))}
      </ul>
    </section>
  );
}
