/**
 * Two experiments' predictions on the same slice, each over the case with the truth outlined;
 * moving the crosshair in one view moves it in the other.
 */
import { useEffect, useRef, useState } from 'react';
import { referenceVolume } from '../../core/case/case.ts';
import type { ExperimentRecord } from '../../core/experiments/record.ts';
import { headerFor, writeNifti } from '../../core/nifti/write.ts';
import { useCase } from '../../state/case.ts';
import { loadPrediction } from '../../state/experimentDb.ts';
import { report } from '../../state/messages.ts';
import { LABEL_COLOURS, useViewer } from '../niivue/useViewer.ts';

const COLOURS = LABEL_COLOURS;

type Voxel = [number, number, number];

function Pane({ experiment, voxel, onMove }: { experiment: ExperimentRecord; voxel: Voxel | null; onMove: (v: Voxel) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewer = useViewer(canvas, (l) => onMove(l.voxel));
  const current = useCase((s) => s.current);


  useEffect(() => {
    if (!viewer || !current) return;
    let stale = false;
    (async () => {
      const prediction = await loadPrediction(experiment.id, current.id);
      if (stale) return;
      const vol = referenceVolume(current);
      if (!prediction || prediction.length !== vol.data.length) return report('error', `No prediction of ${experiment.name} for this case is stored.`);
      const bg = { name: 'background.nii', bytes: writeNifti(headerFor(vol.dims, vol.affine, 16), vol.data) };
      const labels = current.labels && { name: 'labels.nii', bytes: writeNifti(headerFor(vol.dims, vol.affine, 2), current.labels.data), colours: COLOURS };
      await viewer.show(bg, labels ?? undefined);
      viewer.setLabelStyle('outline');
      viewer.setViewMode('axial');
      await viewer.setPrediction(prediction, () => writeNifti(headerFor(vol.dims, vol.affine, 2), prediction), COLOURS, 0.6);
    })().catch((e) => report('error', `${experiment.name} could not be shown: ${(e as Error).message}`));
    return () => {
      stale = true;
    };
  }, [viewer, current, experiment]);

  useEffect(() => {
    if (viewer && voxel) viewer.setCrosshair(voxel);
  }, [viewer, voxel]);

  return (
    <figure className="pane">
      <figcaption>
        {experiment.name} <span className="hint">(prediction filled, truth outlined)</span>
      </figcaption>
      <div className="pane-canvas">
        <canvas ref={canvas} data-testid="side-canvas" />
      </div>
      <div className="hint" data-testid="side-location">
        {voxel ? `voxel ${voxel.join(', ')}, axial slice ${voxel[2]}` : 'click to move both views'}
      </div>
    </figure>
  );
}

export function SideBySide({ experiments }: { experiments: [ExperimentRecord, ExperimentRecord] }) {
  const current = useCase((s) => s.current);
  const [voxel, setVoxel] = useState<Voxel | null>(null);
  if (!current || !experiments.every((e) => e.cases.some((c) => c.id === current.id))) {
    return <p className="hint">Load the case these experiments ran on ({experiments[0].cases.map((c) => c.id).join(', ')}) to see their predictions side by side.</p>;
  }
  return (
    <div className="side-by-side" data-testid="side-by-side">
      {experiments.map((e) => (
        <Pane key={e.id} experiment={e} voxel={voxel} onMove={setVoxel} />
      ))}
    </div>
  );
}
