/**
 * Two experiments' predictions on the same slice, each over the case with the truth outlined;
 * moving the crosshair in one view moves it in the other.
 */
import { useEffect, useRef, useState } from 'react';
import { referenceVolume } from '../../core/case/case.ts';
import { lesionFocus } from '../../core/case/location.ts';
import type { ExperimentRecord } from '../../core/experiments/record.ts';
import { normalAxis } from '../../core/features/slices.ts';
import { headerFor, writeNifti } from '../../core/nifti/write.ts';
import { useCase } from '../../state/case.ts';
import { loadPrediction } from '../../state/experimentDb.ts';
import { report } from '../../state/messages.ts';
import { goTo, useView } from '../../state/view.ts';
import { LABEL_COLOURS, useViewer } from '../niivue/useViewer.ts';

const COLOURS = LABEL_COLOURS;

type Voxel = [number, number, number];

function Pane({ experiment, voxel, onMove }: { experiment: ExperimentRecord; voxel: Voxel | null; onMove: (v: Voxel) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewer = useViewer(canvas, (l) => onMove(l.voxel));
  const current = useCase((s) => s.current);
  // The latest voxel, for the load below: a crosshair set before the volumes arrive would be lost.
  const latest = useRef(voxel);
  latest.current = voxel;

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
      // Axial before the volumes arrive: Niivue's default layout would render the 3D view first.
      viewer.setViewMode('axial');
      await viewer.show(bg, labels ?? undefined);
      viewer.setLabelStyle('outline');
      await viewer.setPrediction(prediction, COLOURS, 0.6);
      if (!stale && latest.current) viewer.setCrosshair(latest.current);
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

/**
 * Where both views open: in the truth's lesion on the slices the first experiment was scored on
 * (its held-out block), so what the table scores is what the views show; null (no label map) leaves Niivue's centre.
 * `only` narrows it to slices the user asked for (a click on the per-slice chart).
 */
function scoredFocus(experiment: ExperimentRecord, labels: Uint8Array | undefined, dims: [number, number, number], caseId: string, only?: number[]): Voxel | null {
  if (!labels) return null;
  const outcome = experiment.cases.find((c) => c.id === caseId);
  const slices = only ?? (outcome?.evaluation.kind === 'held-out slices' ? outcome.evaluation.heldOut : undefined);
  const axis = normalAxis(experiment.input.plane);
  const focus = lesionFocus(labels, dims, { axis, slices });
  if (focus || !slices?.length) return focus;
  // No lesion in the block: its middle slice, at the grid's centre.
  const centre = dims.map((d) => Math.floor(d / 2)) as Voxel;
  centre[axis] = slices[Math.floor(slices.length / 2)];
  return centre;
}

export function SideBySide({ experiments }: { experiments: [ExperimentRecord, ExperimentRecord] }) {
  const current = useCase((s) => s.current);
  // Keyed by the pair: a new pair opens at its own scored slices.
  const [voxel, setVoxel] = useState<Voxel | null>(() =>
    current ? scoredFocus(experiments[0], current.labels?.data, referenceVolume(current).dims, current.id) : null,
  );
  // A slice clicked on the chart: both views (and the viewer behind) go to the lesion on it.
  const asked = useView((s) => s.comparisonSlice);
  useEffect(() => {
    if (!asked || !current || asked.caseId !== current.id) return;
    const v = scoredFocus(experiments[0], current.labels?.data, referenceVolume(current).dims, current.id, [asked.slice]);
    if (v) {
      setVoxel(v);
      goTo(v);
    }
  }, [asked, current, experiments]);
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
