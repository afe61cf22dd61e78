import { useRef } from 'react';
import { loadSampleCase, openFiles, useCase } from '../../state/case.ts';
import { useOffline } from '../../state/offline.ts';
import { goToLesion, useTraining } from '../../state/training.ts';
import { setViewMode, useView } from '../../state/view.ts';
import { pickedFolder, readFiles } from '../files.ts';
import type { ViewMode } from '../niivue/adapter.ts';
import { ProgressBar } from './ProgressBar.tsx';

const MODES: [ViewMode, string][] = [
  ['axial', 'Axial'],
  ['coronal', 'Coronal'],
  ['sagittal', 'Sagittal'],
  ['multiplanar', 'Multiplanar'],
  ['render', '3D'],
];

export function Toolbar() {
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const mode = useView((s) => s.mode);
  const offline = useOffline((s) => s.ready);
  const progress = useCase((s) => s.progress);
  const hasLabels = useCase((s) => !!s.current?.labels);
  const hasPrediction = useTraining((s) => !!s.volume);
  const hasLesion = hasLabels || hasPrediction;
  const onPick = async (input: HTMLInputElement | null) => {
    const files = Array.from(input?.files ?? []);
    if (input) input.value = '';
    await openFiles(await readFiles(files), pickedFolder(files));
  };
  return (
    <header className="toolbar">
      <h1>DINOv2 Segmentation Studio</h1>
      <button onClick={() => fileInput.current?.click()}>Open files…</button>
      <button onClick={() => folderInput.current?.click()}>Open folder…</button>
      <button onClick={() => loadSampleCase(Math.floor(Math.random() * 1000))}>Load sample case</button>
      <input ref={fileInput} data-testid="file-input" type="file" multiple accept=".nii,.gz" hidden onChange={(e) => onPick(e.currentTarget)} />
      <input
        ref={folderInput}
        data-testid="folder-input"
        type="file"
        hidden
        onChange={(e) => onPick(e.currentTarget)}
        {...{ webkitdirectory: '' }}
      />
      <nav className="modes" aria-label="View">
        {MODES.map(([m, label]) => (
          <button key={m} aria-pressed={mode === m} onClick={() => setViewMode(m)}>
            {label}
          </button>
        ))}
        <button disabled={!hasLesion} title="Move the crosshair into the tumour: the prediction's, else the label map's" onClick={() => goToLesion()}>
          Go to lesion
        </button>
      </nav>
      <ProgressBar progress={progress} />
      {offline && (
        <span className="offline-ready" data-testid="offline-ready" title="The page, its worker and WebAssembly are kept in this browser; weights and features already cached too">
          Works offline
        </span>
      )}
    </header>
  );
}
