import { formatDice } from '../../core/experiments/report.ts';
import { useMemo, useState } from 'react';
import { presetOf, SCRIBBLE_PRESETS, scribbleCounts } from '../../core/scribbles/classes.ts';
import { useCase } from '../../state/case.ts';
import { exportDicomSeg, segTarget } from '../../state/dicomSeg.ts';
import { classSegments } from '../../core/dicom/segments.ts';
import { useFeatures } from '../../state/features.ts';
import {
  acceptPredictionInto,
  addClass,
  choosePreset,
  clearScribbles,
  exportVolume,
  importScribbles,
  saveScribbleExperiment,
  type ScribblePreset,
  setAutoTrain,
  setDrawing,
  setPenSize,
  setTool,
  trainOnScribbles,
  undoStroke,
  useScribbles,
} from '../../state/scribbles.ts';
import { predictWholeVolume, useTraining } from '../../state/training.ts';
import { setOverlay, useView } from '../../state/view.ts';
import { download } from '../download.ts';
import { readFiles } from '../files.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { TrainingChart } from './TrainingChart.tsx';

/** Scribble to segmentation: pens per class, the automatic retrain, Dice against strokes, accepting and exporting. */
export function ScribblePanel() {
  const current = useCase((s) => s.current);
  const extracted = useFeatures((s) => s.result !== null);
  const s = useScribbles();
  const overlay = useView((v) => v.overlay);
  const progress = useTraining((t) => t.progress);
  const hasPrediction = useTraining((t) => t.slice !== null || t.volume !== null);
  const hasVolume = useTraining((t) => t.volume !== null);
  const [newClass, setNewClass] = useState('');
  const exportGrid = useCase((c) => c.exportGrid);
  // A pass over every voxel: once per change of the scribbles, not on every render of the panel.
  const counts = useMemo(() => (s.scribbles ? scribbleCounts(s.scribbles, s.classes.length) : s.classes.map(() => 0)), [s.scribbles, s.classes]);
  if (!current) return null;
  const round = s.lastRound;
  const save = (what: 'scribbles' | 'labelMap') => {
    const file = exportVolume(what);
    if (file) download(file.name, file.bytes);
  };
  const seg = segTarget(current, exportGrid);
  const saveSeg = async () => {
    const file = await exportDicomSeg(s.labelMap!, classSegments(s.classes), { type: 'SEMIAUTOMATIC', name: 'dino-seg-studio scribble head' }, 'Label map');
    if (file) download(file.name, file.bytes, 'application/dicom');
  };
  return (
    <section className="scribbles" aria-label="Scribbles">
      <h3>Scribbles</h3>
      <p className="hint">
        Paint a few strokes per class; the head trains on the scribbled voxels only{current.labels ? ' (the label map only scores it, it is never trained on)' : ''}.
        {extracted ? ' It reads the extracted patch features (a linear probe).' : ' With no features extracted it reads the voxel inputs (no backbone needed); extract features to scribble with the backbone instead.'}
      </p>
      <div className="row">
        <label>
          Classes{' '}
          <select aria-label="Scribble classes" value={presetOf(s.classes)} onChange={(e) => choosePreset(e.currentTarget.value as ScribblePreset)}>
            {Object.entries(SCRIBBLE_PRESETS).map(([k, p]) => (
              <option key={k} value={k}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="pens" role="group" aria-label="Pens">
        {s.classes.map((c, i) => (
          <button key={c.name} type="button" aria-pressed={s.drawing && s.tool === i} onClick={() => setTool(i)} title={`Paint ${c.name}`}>
            <span className="swatch" style={{ background: `rgb(${c.rgb.join(',')})` }} />
            {c.name} <span data-testid={`scribbled-${i}`}>{counts[i]}</span>
          </button>
        ))}
        <button type="button" aria-pressed={s.drawing && s.tool === 'eraser'} onClick={() => setTool('eraser')}>
          Eraser
        </button>
      </div>
      <div className="row">
        <input aria-label="New class name" placeholder="New class…" value={newClass} onChange={(e) => setNewClass(e.currentTarget.value)} />
        <button
          type="button"
          disabled={!newClass.trim()}
          onClick={() => {
            addClass(newClass);
            setNewClass('');
          }}
        >
          Add class
        </button>
      </div>
      <div className="row">
        <label>
          <input type="checkbox" checked={s.drawing} onChange={(e) => setDrawing(e.currentTarget.checked)} /> Draw with the mouse
        </label>
        <label>
          Pen {s.penSize}{' '}
          <input type="range" aria-label="Pen size" min={1} max={15} value={s.penSize} onChange={(e) => setPenSize(Number(e.currentTarget.value))} />
        </label>
      </div>
      <div className="row">
        <button type="button" disabled={s.undoable === 0} onClick={undoStroke}>
          Undo
        </button>
        <button type="button" onClick={() => window.confirm('Clear every scribble of this case?') && clearScribbles()}>
          Clear scribbles
        </button>
        <span data-testid="stroke-count">{s.strokes} strokes</span>
      </div>
      <div className="row">
        <label>
          <input type="checkbox" checked={s.autoTrain} onChange={(e) => setAutoTrain(e.currentTarget.checked)} /> Train after each stroke
        </label>
        <button type="button" onClick={() => trainOnScribbles()}>
          Train on scribbles
        </button>
      </div>
      <p data-testid="scribble-status" aria-live="polite">
        {s.status === 'training'
          ? 'Training on the scribbles…'
          : s.hint ||
            (round &&
              `Trained on ${round.samples.total} scribbled voxels (${s.classes.map((c, i) => `${c.name} ${round.samples.counts[i] ?? 0}`).join(', ')}), ${round.steps} steps; slice shown ${Math.round(round.timings.firstSlice)} ms after the pen lifted, done in ${Math.round(round.timings.total)} ms.`)}
      </p>
      <div className="row">
        <label>
          Show{' '}
          <select aria-label="Overlay" value={overlay} onChange={(e) => setOverlay(e.currentTarget.value as 'prediction' | 'uncertainty')}>
            <option value="prediction">prediction</option>
            <option value="uncertainty">uncertainty (where strokes help most)</option>
          </select>
        </label>
        <button type="button" disabled={!round} onClick={() => predictWholeVolume()}>
          Predict the whole volume
        </button>
      </div>
      <ProgressBar progress={progress} />
      {s.curve.length > 0 && <DiceAgainstStrokes />}
      <div className="row">
        <button type="button" disabled={!hasPrediction} onClick={() => acceptPredictionInto('slice')}>
          Accept slice
        </button>
        <button type="button" disabled={!hasVolume} onClick={() => acceptPredictionInto('volume')}>
          Accept volume
        </button>
        <button type="button" disabled={!s.labelMap} onClick={() => save('labelMap')}>
          Export label map
        </button>
        {seg && (
          <button type="button" disabled={!s.labelMap || !seg.file} title={seg.why ?? `The label map as a DICOM Segmentation citing the series of ${seg.file!.name}`} onClick={saveSeg}>
            Export label map as DICOM SEG
          </button>
        )}
      </div>
      <div className="row">
        <button type="button" disabled={!counts.some((n) => n > 0)} onClick={() => save('scribbles')}>
          Export scribbles
        </button>
        <button type="button" disabled={!round} onClick={() => saveScribbleExperiment()}>
          Save as experiment
        </button>
        <label className="file-button">
          Load scribbles…
          <input
            type="file"
            accept=".nii,.nii.gz"
            hidden
            data-testid="scribbles-input"
            onChange={async (e) => {
              const target = e.currentTarget;
              const files = await readFiles([...(target.files ?? [])]);
              target.value = '';
              if (files[0]) await importScribbles(files[0]);
            }}
          />
        </label>
      </div>
    </section>
  );
}

/** The students' experiment: how fast Dice against the label map rises with each stroke. */
function DiceAgainstStrokes() {
  const curve = useScribbles((s) => s.curve);
  const names = curve[0].scores.map((x) => x.name);
  return (
    <>
      <TrainingChart curve={curve.map((p) => ({ step: p.strokes, loss: NaN, dice: p.scores.map((x) => x.dice) }))} channels={names} xLabel="strokes" testId="dice-strokes-chart" />
      <table className="scores" data-testid="dice-strokes">
        <thead>
          <tr>
            <th>Strokes</th>
            {names.map((n) => (
              <th key={n}>{n}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {curve.map((p) => (
            <tr key={p.strokes}>
              <td>{p.strokes}</td>
              {p.scores.map((x) => (
                <td key={x.name}>{formatDice(x.dice)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
