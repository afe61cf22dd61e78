import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { referenceVolume } from '../../core/case/case.ts';
import { describeVoxel } from '../../core/case/location.ts';
import { caseCheckerboard } from '../../core/case/checkerboard.ts';
import { sliceGeometry } from '../../core/features/slices.ts';
import { placeSlice } from '../../core/heads/predict.ts';
import { penValue } from '../../core/scribbles/classes.ts';
import { scribblesChanged, useScribbles } from '../../state/scribbles.ts';
import { MODALITIES } from '../../core/case/roles.ts';
import { headerFor, writeNifti, writeRgbaNifti } from '../../core/nifti/write.ts';
import { useFeatures } from '../../state/features.ts';
import { report } from '../../state/messages.ts';
import { useCase } from '../../state/case.ts';
import { useTraining, viewVoxel } from '../../state/training.ts';
import { setLocation, useView } from '../../state/view.ts';
import { LABEL_COLOURS, useViewer } from '../niivue/useViewer.ts';

const COLOURS = LABEL_COLOURS;

export function Viewer() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewer = useViewer(canvas, (l) => setLocation(l.text, l.voxel));
  const current = useCase((s) => s.current);
  const pca = useFeatures((s) => s.pca);
  const plane = useFeatures((s) => s.plane);
  const size = useFeatures((s) => s.size);
  const liveSlice = useTraining((s) => s.slice);
  const volume = useTraining((s) => s.volume);
  const colours = useTraining((s) => s.colours);
  const task = useTraining((s) => s.task);
  const overlay = useView((s) => s.overlay);
  const pen = useScribbles(useShallow((s) => ({ drawing: s.drawing, tool: s.tool, penSize: s.penSize, classes: s.classes })));
  const revision = useScribbles((s) => s.revision);
  const undoRequests = useScribbles((s) => s.undoRequests);
  const voxel = useView((s) => s.voxel);
  const target = useView((s) => s.target);
  const { mode, labelsVisible, labelOpacity, labelStyle, background, checkerboard: checked, location } = useView();
  /** The last show(): a crosshair move waits for it, or the reload would put the crosshair back. */
  const shown = useRef<Promise<void>>(Promise.resolve());


  useEffect(() => {
    if (!viewer || !current) return;
    const modality = background && current.modalities[background] ? background : MODALITIES.find((m) => current.modalities[m])!;
    const vol = current.modalities[modality]!;
    // Niivue gets the studio's own canonical volumes, so it shows exactly what the models see.
    const board = checked && caseCheckerboard(current, checked);
    const bg = board ? { name: `checkerboard-${checked}.nii`, bytes: writeNifti(headerFor(vol.dims, vol.affine, 16), board) } : { name: `${modality}.nii`, bytes: writeNifti(headerFor(vol.dims, vol.affine, 16), vol.data) };
    const labels = current.labels && { name: 'labels.nii', bytes: writeNifti(headerFor(vol.dims, vol.affine, 2), current.labels.data), colours: COLOURS };
    const extra = pca && { name: 'pca.nii', bytes: writeRgbaNifti(vol.dims, vol.affine, pca.rgba) };
    shown.current = viewer.show(bg, labels, extra ?? undefined).catch((e) => report('error', `The viewer could not show the case: ${(e as Error).message}`));
  }, [viewer, current, background, checked, pca]);

  useEffect(() => {
    if (!viewer || !target) return;
    void shown.current.then(() => {
      viewer.setCrosshair(target.voxel);
      setLocation('', target.voxel);
    });
  }, [viewer, target]);

  // The prediction (or its uncertainty): the whole volume once predicted, else the live slice.
  useEffect(() => {
    if (!viewer || !current) return;
    const vol = referenceVolume(current);
    // The live slice says which plane it was cut on (a voxel head's may differ from the features').
    const g = sliceGeometry(vol.dims, vol.spacing, liveSlice?.plane ?? plane, size);
    const onGrid = (whole: Uint8Array | undefined, slice: Uint8Array | undefined) => {
      if (whole) return whole;
      if (!slice || !liveSlice) return null;
      const out = new Uint8Array(vol.data.length);
      placeSlice(out, slice, g, liveSlice.index);
      return out;
    };
    const uncertain = overlay === 'uncertainty';
    const labels = uncertain ? null : onGrid(volume?.prediction, liveSlice?.labels);
    const heat = uncertain ? onGrid(volume?.uncertainty, liveSlice?.uncertainty) : null;
    const failed = (e: Error) => report('error', `The prediction could not be shown: ${e.message}`);
    viewer.setPrediction(labels, colours ?? COLOURS, 0.6).catch(failed);
    viewer.setHeatmap(heat, 0.7).catch(failed);
  }, [viewer, current, liveSlice, volume, plane, size, overlay, colours]);

  // Drawing: Niivue draws; the store keeps a copy after each stroke and says which pen is up.
  useEffect(() => viewer?.onDrawingChanged(scribblesChanged), [viewer]);
  useEffect(() => {
    viewer?.setPen({ enabled: pen.drawing, value: pen.tool === 'eraser' ? 0 : penValue(pen.tool), size: pen.penSize, colours: pen.classes.map((c) => c.rgb) });
  }, [viewer, pen.drawing, pen.tool, pen.penSize, pen.classes, current]);
  useEffect(() => viewer?.setDrawing(useScribbles.getState().scribbles), [viewer, revision]);
  useEffect(() => {
    if (undoRequests) viewer?.undoDrawing();
  }, [viewer, undoRequests]);

  useEffect(() => {
    if (voxel) void viewVoxel(voxel);
  }, [voxel, plane]);

  useEffect(() => viewer?.setViewMode(mode), [viewer, mode]);
  useEffect(() => viewer?.setLabelsVisible(labelsVisible), [viewer, labelsVisible, current]);
  useEffect(() => viewer?.setLabelOpacity(labelOpacity), [viewer, labelOpacity, current]);
  useEffect(() => viewer?.setLabelStyle(labelStyle), [viewer, labelStyle, current]);

  return (
    <main className="viewer">
      <canvas ref={canvas} data-testid="viewer-canvas" />
      {!current && (
        <p className="viewer-empty" data-testid="viewer-empty">
          No case open: drop a case folder or its files here, or use Load sample case above.
        </p>
      )}
      <div className="location" data-testid="location">
        {voxel && current ? describeVoxel(current, voxel, volume?.prediction, task) : location}
      </div>
    </main>
  );
}
