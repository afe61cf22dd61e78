import { useEffect, useRef } from 'react';
import { CATALOG } from '../../core/models/dinov2/catalog.ts';
import {
  cancelModelLoad,
  clearCache,
  forgetWeights,
  loadDemoModel,
  LOCAL_FILE,
  loadKeptModel,
  loadModelFile,
  loadSelectedModel,
  measureBackboneSpeed,
  refreshCache,
  selectModel,
  setBackendChoice,
  setCustomUrl,
  useModel,
} from '../../state/model.ts';
import { refusedHere } from '../../security/pageOrigins.ts';
import type { BackendChoice } from '../../worker/protocol.ts';
import { readFiles } from '../files.ts';
import { formatBytes } from '../format.ts';
import { ProgressBar } from './ProgressBar.tsx';

export function ModelPanel() {
  const { selected, customUrl, backend, info, progress, busy, speed, cached, failure, restorable } = useModel();
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => void refreshCache().catch(() => undefined), []);
  const cachedBytes = cached.reduce((a, c) => a + c.bytes, 0);
  const refusal = selected === 'url' && /^https?:\/\/[^/]+/.test(customUrl) ? refusedHere(customUrl) : undefined;
  return (
    <section className="model" aria-label="Backbone">
      <h3>Backbone</h3>
      <label>
        Model{' '}
        <select aria-label="Model" value={selected} onChange={(e) => selectModel(e.currentTarget.value)}>
          {CATALOG.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.megabytes ? ` (${c.megabytes} MB)` : ''}
            </option>
          ))}
          <option value="url">From a URL (self-hosted)…</option>
          {restorable?.kind === 'kept' && <option value={LOCAL_FILE}>Local file: {restorable.name}</option>}
        </select>
      </label>
      {selected === 'url' && (
        <input aria-label="Weights URL" placeholder="https://…/model.safetensors" value={customUrl} onChange={(e) => setCustomUrl(e.currentTarget.value)} />
      )}
      {refusal && (
        <p className="hint warning" data-testid="url-refused">
          {refusal}.
        </p>
      )}
      <div className="row">
        <button disabled={busy} onClick={() => loadSelectedModel()}>
          Load model
        </button>
        <button disabled={busy} onClick={() => fileInput.current?.click()}>
          Use a local file…
        </button>
        {busy && progress?.status === 'progress' && <button onClick={cancelModelLoad}>Cancel</button>}
      </div>
      <input
        ref={fileInput}
        data-testid="weights-input"
        type="file"
        accept=".safetensors"
        hidden
        onChange={async (e) => {
          const input = e.currentTarget;
          const [file] = await readFiles(Array.from(input.files ?? []));
          input.value = '';
          if (file) await loadModelFile(file);
        }}
      />
      <ProgressBar progress={progress} />
      {failure && (
        <div className="hint warning" data-testid="model-offline-help">
          <p>The download failed ({failure}). Without a network: use a checkpoint file you have (Use a local file…), or try the studio with the offline demo model, made here with random weights (its results say nothing about DINOv2).</p>
          <button disabled={busy} onClick={() => loadDemoModel()}>
            Load the offline demo model
          </button>
        </div>
      )}
      {info && (
        <div className="model-info" data-testid="model-info">
          <p>
            <strong>{info.label}</strong>{info.adapter?.merged ? ' (merged into the weights)' : ''}: {info.depth} blocks, dim {info.dim}, {info.heads} heads
            {info.registers ? `, ${info.registers} registers` : ''}, {(info.params / 1e6).toFixed(1)} M parameters
            {info.fromCache ? ', from the browser cache' : ''}
          </p>
          {info.randomWeights && (
            <p className="warning" data-testid="random-weights">
              Random weights: features and results are not those of a trained DINOv2.
            </p>
          )}
          <p data-testid="backend">
            Backend: <strong>{info.backend.name}</strong>, {info.backend.reason}
          </p>
          <p className="hint">
            WebGPU adapter: {info.backend.adapters.webgpu}; WebGL: {info.backend.adapters.webgl}
          </p>
          <div className="row">
            <button disabled={busy} onClick={() => measureBackboneSpeed()}>
              Time one slice
            </button>
            {speed && <span data-testid="speed">{Math.round(speed.medianMs)} ms per {speed.size}×{speed.size} slice on {speed.backend}</span>}
          </div>
        </div>
      )}
      <label>
        Backend{' '}
        <select aria-label="Backend" value={backend} onChange={(e) => setBackendChoice(e.currentTarget.value as BackendChoice)}>
          <option value="auto">Fastest available</option>
          <option value="webgpu">WebGPU</option>
          <option value="webgl">WebGL</option>
          <option value="wasm">WebAssembly</option>
          <option value="cpu">Plain JavaScript</option>
        </select>
      </label>
      {cached.some((c) => c.kept) && (
        <ul className="kept" aria-label="Local checkpoints kept in this browser">
          {cached
            .filter((c) => c.kept)
            .map((c) => (
              <li key={c.url}>
                {c.kept} ({formatBytes(c.bytes)}){' '}
                <button disabled={busy} aria-label={`Load ${c.kept} again`} onClick={() => loadKeptModel(c.kept!)}>
                  Load
                </button>{' '}
                <button className="link" aria-label={`Forget ${c.kept}`} onClick={() => forgetWeights(c.url)}>
                  Forget
                </button>
              </li>
            ))}
        </ul>
      )}
      <p className="hint" data-testid="weight-cache">
        Weights cached in this browser: {formatBytes(cachedBytes)}{' '}
        {cached.length > 0 && (
          <button className="link" onClick={() => clearCache()}>
            Clear
          </button>
        )}
      </p>
    </section>
  );
}
