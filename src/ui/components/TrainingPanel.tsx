import { formatDice } from '../../core/experiments/report.ts';
import { TASK_NAMES, type Task } from '../../core/heads/tasks.ts';
import { PLANES } from '../../core/features/slices.ts';
import { HEAD_KINDS, HEAD_NAMES, type HeadKind, usesBackbone, usesVoxelInputs } from '../../core/heads/headSettings.ts';

const POST_HINTS = {
  hierarchy: 'Enhancing only inside the core, the core only inside the whole tumour (voxel heads)',
  components: 'Drop tumour components under a tenth of the largest one, in 3D',
  holes: 'Fill holes inside the core (necrosis) and the whole tumour, slice by slice',
};
import { exportLabels } from '../../core/case/exportGrid.ts';
import { ReadoutTable } from './ReadoutTable.tsx';
import { exportDicomSeg, segTarget } from '../../state/dicomSeg.ts';
import { taskSegments } from '../../core/dicom/segments.ts';
import { useCase } from '../../state/case.ts';
import { useFeatures } from '../../state/features.ts';
import { useModel } from '../../state/model.ts';
import { useWorkspace } from '../../state/workspace.ts';
import {
  applyAdapterToBackbone,
  controlTraining,
  exportAdapter,
  exportHeadJson,
  importAdapterFiles,
  importHeadJson,
  predictWholeVolume,
  setTrainingSettings,
  startTraining,
  useTraining,
} from '../../state/training.ts';
import { download } from '../download.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { FilesButton } from './FilesButton.tsx';
import { TextFileButton } from './TextFileButton.tsx';
import { TrainingChart } from './TrainingChart.tsx';

const hd = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

export function TrainingPanel() {
  const current = useCase((s) => s.current);
  const t = useTraining();
  const datasetOpen = useWorkspace((s) => s.cases.length > 0);
  // Settings show as soon as a case or a dataset is open: comparisons use them without an extraction first.
  if (!current && !datasetOpen) return null;
  const running = t.state === 'running' || t.state === 'paused';
  return (
    <section className="training" aria-label="Training">
      <h3>Segmentation head</h3>
      <div className="row">
        <label>
          Task{' '}
          <select aria-label="Task" value={t.task} disabled={running} onChange={(e) => setTrainingSettings({ task: e.currentTarget.value as Task })}>
            {(Object.entries(TASK_NAMES) as [Task, string][]).map(([task, name]) => (
              <option key={task} value={task}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Epochs <input aria-label="Epochs" type="number" min={1} max={200} value={t.epochs} disabled={running} onChange={(e) => setTrainingSettings({ epochs: Number(e.currentTarget.value) })} />
        </label>
        <label>
          Seed <input aria-label="Seed" type="number" value={t.seed} disabled={running} onChange={(e) => setTrainingSettings({ seed: Number(e.currentTarget.value) })} />
        </label>
      </div>
      <div className="row">
        <label>
          Head{' '}
          <select aria-label="Head" value={t.head} disabled={running} onChange={(e) => setTrainingSettings({ head: e.currentTarget.value as HeadKind })}>
            {HEAD_KINDS.map((k) => (
              <option key={k} value={k}>
                {HEAD_NAMES[k]}
              </option>
            ))}
          </select>
        </label>
        {t.head === 'linear' && (
          <label title="Fine-tune the backbone's last 2 blocks with the head (LoRA rank 8 on qkv and proj, or Rein's 100 learnable tokens), on this device; the blocks below run once per slice and are cached">
            Backbone{' '}
            <select aria-label="Backbone adapter" value={t.adapter} disabled={running} onChange={(e) => setTrainingSettings({ adapter: e.currentTarget.value as 'none' | 'lora' | 'rein' })}>
              <option value="none">frozen (linear probe)</option>
              <option value="lora">fine-tuned: LoRA</option>
              <option value="rein">fine-tuned: Rein</option>
            </select>
          </label>
        )}
        {t.head !== 'linear' && (
          <label>
            Hidden <input aria-label="Hidden layers" value={t.hidden} disabled={running} size={6} onChange={(e) => setTrainingSettings({ hidden: e.currentTarget.value })} />
          </label>
        )}
        {usesVoxelInputs(t.head) && (
          <label title="While training, each voxel's intensities of each modality are scaled by up to ± this fraction and shifted by up to ± this many sd, so another scanner's or z-score's offset does not read as tissue">
            Jitter{' '}
            <input aria-label="Intensity jitter" type="number" min={0} max={0.9} step={0.05} value={t.jitter} disabled={running} style={{ width: '4em' }} onChange={(e) => setTrainingSettings({ jitter: Math.min(0.9, Math.max(0, Number(e.currentTarget.value) || 0)) })} />
          </label>
        )}
        {usesBackbone(t.head) && t.head !== 'linear' && (
          <label title="Each voxel also reads the patch features of the slices through it in the other two planes (3-D context from three 2-D stacks); their features are extracted first, with the same channels, size and blocks">
            <input type="checkbox" aria-label="Tri-planar" checked={t.planes.length > 0} disabled={running} onChange={(e) => setTrainingSettings({ planes: e.currentTarget.checked ? [...PLANES] : [] })} /> tri-planar
          </label>
        )}
      </div>
      <div className="row" aria-label="Post-processing">
        {(['hierarchy', 'components', 'holes'] as const).map((k) => (
          <label key={k} title={POST_HINTS[k]}>
            <input type="checkbox" aria-label={`Post-processing: ${k}`} checked={t.postprocess[k]} disabled={running || (k === 'hierarchy' && t.head === 'linear')} onChange={(e) => setTrainingSettings({ postprocess: { ...t.postprocess, [k]: e.currentTarget.checked } })} /> {k}
          </label>
        ))}
      </div>
      <details>
        <summary>More settings</summary>
        <div className="row">
          <label>
            LR <input aria-label="Learning rate" type="number" step={0.001} min={0.0001} value={t.learningRate} disabled={running} onChange={(e) => setTrainingSettings({ learningRate: Number(e.currentTarget.value) })} />
          </label>
          <label>
            Batch <input aria-label="Batch size" type="number" min={1} max={64} value={t.batchSize} disabled={running} onChange={(e) => setTrainingSettings({ batchSize: Number(e.currentTarget.value) })} />
          </label>
          <label>
            CE weight <input aria-label="Cross-entropy weight" type="number" step={0.1} min={0} value={t.crossEntropy} disabled={running} onChange={(e) => setTrainingSettings({ crossEntropy: Number(e.currentTarget.value) })} />
          </label>
          <label>
            Dice weight <input aria-label="Dice weight" type="number" step={0.1} min={0} value={t.dice} disabled={running} onChange={(e) => setTrainingSettings({ dice: Number(e.currentTarget.value) })} />
          </label>
          <label>
            Tumour slices ×<input aria-label="Oversample tumour slices" type="number" min={1} max={10} value={t.oversampleTumour} disabled={running} onChange={(e) => setTrainingSettings({ oversampleTumour: Number(e.currentTarget.value) })} />
          </label>
          <label>
            Healthy: 1 in <input aria-label="Healthy slices kept" type="number" min={1} max={20} value={t.healthyEvery} disabled={running} onChange={(e) => setTrainingSettings({ healthyEvery: Number(e.currentTarget.value) })} />
          </label>
        </div>
        <p className="hint">Validation: a contiguous block of 20 % of the slices with tumour, with a 2-slice gap to training.</p>
      </details>
      {current ? <CaseTraining /> : <p className="hint">These settings train the Dataset step's heads; open a case to train on it here.</p>}
    </section>
  );
}

/** Training on the loaded case: the run, its curve, the volume's prediction and scores. */
function CaseTraining() {
  const current = useCase((s) => s.current)!;
  const result = useFeatures((s) => s.result);
  const model = useModel((s) => s.info);
  const t = useTraining();
  const running = t.state === 'running' || t.state === 'paused';
  const exportPrediction = () => {
    download(`${current.id}_prediction.nii.gz`, exportLabels(current, t.volume!.prediction, { onFileGrid: useCase.getState().exportGrid, descrip: 'dino-seg-studio prediction' }));
  };
  const exportGrid = useCase((s) => s.exportGrid);
  const seg = segTarget(current, exportGrid);
  const exportSeg = async () => {
    const file = await exportDicomSeg(t.volume!.prediction, taskSegments(t.task), { type: 'AUTOMATIC', name: `dino-seg-studio ${HEAD_NAMES[t.head]}` }, 'Prediction');
    if (file) download(file.name, file.bytes, 'application/dicom');
  };
  return (
    <>
      <div className="row">
        {!running && (
          <button disabled={!current.labels || (!result && usesBackbone(t.head))} onClick={() => startTraining()} title={!current.labels ? 'Training needs a label map' : !result && usesBackbone(t.head) ? 'Extract features first' : ''}>
            Train
          </button>
        )}
        {t.state === 'running' && <button onClick={() => controlTraining('pause')}>Pause</button>}
        {t.state === 'paused' && <button onClick={() => controlTraining('resume')}>Resume</button>}
        {running && <button onClick={() => controlTraining('stop')}>Stop</button>}
        <span data-testid="training-state">{t.state}</span>
      </div>
      <TrainingChart curve={t.curve} channels={t.channels} />
      {t.curve.length > 0 && (
        <p data-testid="training-status">
          Step {t.curve.at(-1)!.step}, loss {t.curve.at(-1)!.loss.toFixed(3)}, validation Dice{' '}
          {t.channels.map((c, i) => `${c} ${formatDice(t.curve.at(-1)!.dice[i] ?? null, 2)}`).join(', ')}
        </p>
      )}
      {(t.state === 'done' || t.state === 'stopped') && (
        <div className="row">
          <button onClick={() => predictWholeVolume()}>Predict the volume</button>
          {t.trainedAdapter ? (
            <button
              title={t.trainedAdapter === 'lora' ? "PEFT's adapter_model.safetensors and adapter_config.json (load in Python with PeftModel.from_pretrained), and the head" : "Rein's weights under the authors' names, rein_config.json, and the head"}
              onClick={async () => Object.entries(await exportAdapter()).forEach(([name, bytes]) => download(name, bytes, name.endsWith('.json') ? 'application/json' : 'application/octet-stream'))}
            >
              Save adapter and head
            </button>
          ) : (
            <button onClick={async () => download(`${current.id}_head.json`, await exportHeadJson(), 'application/json')}>Save head</button>
          )}
          {t.trainedAdapter && !model?.adapter && (
            <button title="Extract features through the adapter from now on (LoRA is merged into the weights, at the frozen model's speed); they are cached under the adapter's name, beside the frozen ones" onClick={() => applyAdapterToBackbone(true)}>
              Use the adapted backbone for extraction
            </button>
          )}
          {model?.adapter && <button onClick={() => applyAdapterToBackbone(false)}>Back to the frozen backbone</button>}
        </div>
      )}
      <div className="row">
        <TextFileButton label="Load a head…" accept=".json" testId="head-input" onText={(_, text) => importHeadJson(text)} />
        <FilesButton
          label="Load an adapter and head…"
          accept=".json,.safetensors"
          testId="adapter-input"
          title="adapter_model.safetensors and adapter_config.json (LoRA, PEFT's layout) or rein_model.safetensors and rein_config.json (Rein), with the head.json saved beside them"
          onFiles={importAdapterFiles}
        />
      </div>
      <ProgressBar progress={t.progress} />
      {t.volume && (
        <>
          {t.volume.scores.length > 0 && (
            <table className="scores" data-testid="volume-scores">
              <thead>
                <tr>
                  <th>Region</th>
                  <th>3D Dice</th>
                  <th>HD95 (mm)</th>
                </tr>
              </thead>
              <tbody>
                {t.volume.scores.map((s) => (
                  <tr key={s.region}>
                    <td>{s.region}</td>
                    <td title={s.dice === null ? 'in neither the prediction nor the label map: not scored' : undefined}>{s.dice === null ? 'absent (not scored)' : s.dice.toFixed(3)}</td>
                    <td>{hd(s.hd95)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="hint">
            Scored on the whole volume, training slices included{model?.randomWeights ? '; the backbone has random weights' : ''}. HD95 n/a: one of
            prediction and truth is empty.
          </p>
          {t.volume.readout && <ReadoutTable readout={t.volume.readout} />}
          <div className="row">
            <button onClick={exportPrediction}>Export prediction (.nii.gz)</button>
            {seg && (
              <button disabled={!seg.file} title={seg.why ?? `A DICOM Segmentation citing the series of ${seg.file!.name}, for PACS, OHIF or 3D Slicer`} onClick={exportSeg}>
                Export DICOM SEG
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}
