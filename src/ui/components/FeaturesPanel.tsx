import { useEffect, useMemo, useRef } from 'react';
import { MODALITIES, type Modality, ROLE_LABELS } from '../../core/case/roles.ts';
import { MAPPING_PRESETS } from '../../core/features/channels.ts';
import { parseFeatureKey } from '../../core/features/store.ts';
import { caseVolumes, referenceVolume } from '../../core/case/case.ts';
import { describeEstimate, extractionEstimate } from '../../core/features/estimate.ts';
import { caseBrain } from '../../core/voxels/voxelFeatures.ts';
import { normalAxis, type Plane } from '../../core/features/slices.ts';
import { useCase } from '../../state/case.ts';
import {
  cancelExtraction,
  choosePreset,
  clearFeatureCache,
  exportFeatures,
  extractFeatures,
  importFeatures,
  refreshFeatureCache,
  refreshPreview,
  setChannel,
  setPlane,
  setLayers,
  setSize,
  showPca,
  useFeatures,
} from '../../state/features.ts';
import { measureBackboneSpeed, useModel } from '../../state/model.ts';
import { useView } from '../../state/view.ts';
import { download } from '../download.ts';
import { readFiles } from '../files.ts';
import { formatBytes } from '../format.ts';
import { ProgressBar } from './ProgressBar.tsx';


function Preview({ rgb, size }: { rgb: Uint8Array; size: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) image.data.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
    ctx.putImageData(image, 0, 0);
  }, [rgb, size]);
  return <canvas ref={canvas} width={size} height={size} className="preview" data-testid="mapping-preview" title="What the backbone sees" />;
}

/** Seconds per plane before the user starts, from the backbone's measured speed at this size. */
function ExtractionEstimate({ size }: { size: number }) {
  const current = useCase((s) => s.current);
  const speed = useModel((s) => s.speed);
  const busy = useModel((s) => s.busy);
  const brain = useMemo(() => (current ? { mask: caseBrain(caseVolumes(current).volumes, current.brainmask), dims: referenceVolume(current).dims } : null), [current]);
  if (!brain) return null;
  if (!speed || speed.size !== size)
    return (
      <p className="hint">
        <button className="link" disabled={busy} onClick={() => measureBackboneSpeed(size)}>
          Estimate the extraction time
        </button>{' '}
        per plane at {size}×{size}
      </p>
    );
  return (
    <p className="hint" data-testid="extraction-estimate">
      Extraction estimate at {Math.round(speed.medianMs)} ms a slice on {speed.backend}: {describeEstimate(extractionEstimate(brain.mask, brain.dims, speed.medianMs / 1000))} (tri-planar heads need all three)
    </p>
  );
}

/** How many of the last blocks' patch tokens a feature concatenates; more than the model has are disabled. */
const BLOCK_CHOICES: [number, string][] = [
  [1, 'last block'],
  [2, 'last 2 blocks'],
  [4, "last 4 blocks (DINOv2's multi-layer evaluation)"],
];

export function FeaturesPanel() {
  const current = useCase((s) => s.current);
  const model = useModel((s) => s.info);
  const { preset, mapping, plane, size, layers, progress, busy, result, preview, mappingError, pca, cacheBytes } = useFeatures();
  const voxel = useView((s) => s.voxel);
  const slice = voxel ? voxel[normalAxis(plane)] : current ? Math.floor(referenceVolume(current).dims[normalAxis(plane)] / 2) : 0;
  const featureFile = useRef<HTMLInputElement>(null);
  useEffect(() => void refreshFeatureCache().catch(() => undefined), []);
  useEffect(() => {
    const t = setTimeout(() => void refreshPreview(slice), 150);
    return () => clearTimeout(t);
  }, [current, mapping, plane, size, slice]);
  if (!current) return null;
  const have = MODALITIES.filter((m) => current.modalities[m]);
  return (
    <section className="features" aria-label="Features">
      <h3>Channels and features</h3>
      <label>
        Channels{' '}
        <select aria-label="Channel preset" value={preset} onChange={(e) => choosePreset(e.currentTarget.value)}>
          {MAPPING_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
          <option value="custom">Custom</option>
        </select>
      </label>
      <div className="row">
        {mapping.map((m, i) => (
          <label key={i}>
            {'RGB'[i]}{' '}
            <select aria-label={`Channel ${'RGB'[i]}`} value={m ?? 'none'} onChange={(e) => setChannel(i, e.currentTarget.value === 'none' ? null : (e.currentTarget.value as Modality))}>
              {MODALITIES.map((mod) => (
                <option key={mod} value={mod} disabled={!have.includes(mod)}>
                  {ROLE_LABELS[mod]}
                </option>
              ))}
              <option value="none">empty</option>
            </select>
          </label>
        ))}
      </div>
      {mappingError && (
        <p className="warning" data-testid="mapping-error">
          {mappingError}
        </p>
      )}
      {preview && !mappingError && <Preview rgb={preview.rgb} size={preview.size} />}
      <div className="row">
        <label>
          Plane{' '}
          <select aria-label="Plane" value={plane} onChange={(e) => setPlane(e.currentTarget.value as Plane)}>
            <option value="axial">Axial</option>
            <option value="coronal">Coronal</option>
            <option value="sagittal">Sagittal</option>
          </select>
        </label>
        <label>
          Input{' '}
          <select aria-label="Input size" value={size} onChange={(e) => setSize(Number(e.currentTarget.value))}>
            {[224, 448, 518].map((s) => (
              <option key={s} value={s}>
                {s}×{s}
              </option>
            ))}
          </select>
        </label>
        <label title="DINOv2's multi-layer linear evaluation reads the normed patch tokens of the last 4 blocks; earlier blocks keep more local texture">
          Blocks{' '}
          <select aria-label="Backbone blocks" value={layers} onChange={(e) => setLayers(Number(e.currentTarget.value))}>
            {BLOCK_CHOICES.map(([n, name]) => (
              <option key={n} value={n} disabled={!!model && n > model.depth}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {model && <ExtractionEstimate size={size} />}
      <div className="row">
        <button disabled={busy || !model || !!mappingError} onClick={() => extractFeatures()} title={model ? '' : 'Load a backbone first'}>
          Extract features
        </button>
        {busy && <button onClick={cancelExtraction}>Cancel</button>}
      </div>
      <ProgressBar progress={progress} />
      {result && (
        <p data-testid="extraction-result">
          {result.slices.length} slices with features ({result.fromCache} from the cache), {result.skipped.length} slices without head skipped,{' '}
          {result.seconds.toFixed(1)} s; {result.dim} values per patch{result.layers > 1 ? ` (the last ${result.layers} blocks)` : ''}
          {parseFeatureKey(result.key).adapter ? `; through ${parseFeatureKey(result.key).adapter}` : ''}
        </p>
      )}
      {result && (
        <div className="row">
          <button onClick={() => showPca('slice', slice)}>PCA of this slice</button>
          <button onClick={() => showPca('volume', slice)}>PCA of the volume</button>
          {pca && <button onClick={() => showPca(null, slice)}>Hide PCA</button>}
        </div>
      )}
      {pca && (
        <p className="hint" data-testid="pca-shown">
          Showing the first three principal components of the patch features ({pca.scope}) as red, green and blue.
        </p>
      )}
      <div className="row">
        <button disabled={busy || !model} onClick={() => featureFile.current?.click()} title={model ? 'A .safetensors file from the CLI\'s extract (a cluster run) or from Export features' : 'Load the backbone the features were made with first'}>
          Import features…
        </button>
        {result && (
          <button
            onClick={async () => {
              const file = await exportFeatures();
              if (file) download(file.name, file.bytes);
            }}
          >
            Export features
          </button>
        )}
        <input
          ref={featureFile}
          data-testid="features-input"
          type="file"
          accept=".safetensors"
          hidden
          onChange={async (e) => {
            const input = e.currentTarget;
            const [file] = await readFiles(Array.from(input.files ?? []));
            input.value = '';
            if (file) await importFeatures(file);
          }}
        />
      </div>
      <p className="hint" data-testid="feature-cache">
        Feature cache: {formatBytes(cacheBytes)}{' '}
        {cacheBytes > 0 && (
          <button className="link" onClick={() => clearFeatureCache()}>
            Clear
          </button>
        )}
      </p>
    </section>
  );
}
