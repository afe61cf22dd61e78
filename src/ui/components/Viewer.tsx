import { useEffect, useRef } from 'react';
import { sliceGeometry, voxelIndex } from '../../core/features/slices.ts';
import { MODALITIES } from '../../core/case/roles.ts';
import { headerFor, writeNifti, writeRgbaNifti } from '../../core/nifti/write.ts';
import { useFeatures } from '../../state/features.ts';
import { report } from '../../state/messages.ts';
import { useCase } from '../../state/case.ts';
import { useTraining, viewSlice } from '../../state/training.ts';
import { setLocation, useView } from '../../state/view.ts';
import { LABEL_COLOURS, useViewer } from '../niivue/useViewer.ts';

const COLOURS = LABEL_COLOURS;

export function Viewer() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewer = useViewer(canvas, (l) => setLocation(l.text, l.voxel));
  const current = useCase((s) => s.current);
  const pca = useFeatures((s) => s.pca);
  const plane = useFeatures((s) => s.plane);
  const liveSlice = useTraining((s) => s.slice);
  const volumePrediction = useTraining((s) => s.volume?.prediction);
  const voxel = useView((s) => s.voxel);
  const { mode, labelsVisible, labelOpacity, labelStyle, background, location } = useView();


  useEffect(() => {
    if (!viewer || !current) return;
    const modality = background && current.modalities[background] ? background : MODALITIES.find((m) => current.modalities[m])!;
    const vol = current.modalities[modality]!;
    // Niivue gets the studio's own canonical volumes, so it shows exactly what the models see.
    const bg = { name: `${modality}.nii`, bytes: writeNifti(headerFor(vol.dims, vol.affine, 16), vol.data) };
    const labels = current.labels && { name: 'labels.nii', bytes: writeNifti(headerFor(vol.dims, vol.affine, 2), current.labels.data), colours: COLOURS };
    const extra = pca && { name: 'pca.nii', bytes: writeRgbaNifti(vol.dims, vol.affine, pca.rgba) };
    viewer.show(bg, labels, extra ?? undefined).catch((e) => report('error', `The viewer could not show the case: ${(e as Error).message}`));
  }, [viewer, current, background, pca]);

  // The prediction: the whole volume once predicted, else the live slice while training.
  useEffect(() => {
    if (!viewer || !current) return;
    const vol = Object.values(current.modalities)[0]!;
    let labels: Uint8Array | null = volumePrediction ?? null;
    if (!labels && liveSlice) {
      labels = new Uint8Array(vol.data.length);
      const g = sliceGeometry(vol.dims, vol.spacing, plane, 224);
      for (let r = 0; r < g.rows; r++) for (let c = 0; c < g.cols; c++) labels[voxelIndex(g, liveSlice.index, r, c)] = liveSlice.labels[r * g.cols + c];
    }
    const encode = () => writeNifti(headerFor(vol.dims, vol.affine, 2), labels!);
    viewer.setPrediction(labels, encode, COLOURS, 0.6).catch((e) => report('error', `The prediction could not be shown: ${(e as Error).message}`));
  }, [viewer, current, liveSlice, volumePrediction, plane]);

  useEffect(() => {
    if (voxel) viewSlice(voxel[{ sagittal: 0, coronal: 1, axial: 2 }[plane]]);
  }, [voxel, plane]);

  useEffect(() => viewer?.setViewMode(mode), [viewer, mode]);
  useEffect(() => viewer?.setLabelsVisible(labelsVisible), [viewer, labelsVisible, current]);
  useEffect(() => viewer?.setLabelOpacity(labelOpacity), [viewer, labelOpacity, current]);
  useEffect(() => viewer?.setLabelStyle(labelStyle), [viewer, labelStyle, current]);

  return (
    <main className="viewer">
      <canvas ref={canvas} data-testid="viewer-canvas" />
      <div className="location" data-testid="location">
        {location}
      </div>
    </main>
  );
}
