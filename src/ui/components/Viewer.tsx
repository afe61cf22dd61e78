import { useEffect, useRef, useState } from 'react';
import { BRATS_CLASSES } from '../../core/case/labels.ts';
import { MODALITIES } from '../../core/case/roles.ts';
import { headerFor, writeNifti, writeRgbaNifti } from '../../core/nifti/write.ts';
import { useFeatures } from '../../state/features.ts';
import { report } from '../../state/messages.ts';
import { useCase } from '../../state/case.ts';
import { setLocation, useView } from '../../state/view.ts';
import { createViewer, type ViewerAdapter } from '../niivue/adapter.ts';

const COLOURS = {
  values: BRATS_CLASSES.map((c) => c.value),
  rgb: BRATS_CLASSES.map((c) => c.rgb),
  names: BRATS_CLASSES.map((c) => c.name),
};

export function Viewer() {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [viewer, setViewer] = useState<ViewerAdapter | null>(null);
  const current = useCase((s) => s.current);
  const pca = useFeatures((s) => s.pca);
  const { mode, labelsVisible, labelOpacity, background, location } = useView();

  useEffect(() => {
    let adapter: ViewerAdapter | undefined;
    let cancelled = false;
    createViewer(canvas.current!)
      .then((v) => {
        if (cancelled) return v.dispose();
        adapter = v;
        v.onLocationChange((l) => setLocation(l.text, l.voxel));
        setViewer(v);
      })
      .catch((e) => report('error', `The viewer could not start (WebGL2 is needed): ${(e as Error).message}`));
    return () => {
      cancelled = true;
      adapter?.dispose();
    };
  }, []);

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

  useEffect(() => viewer?.setViewMode(mode), [viewer, mode]);
  useEffect(() => viewer?.setLabelsVisible(labelsVisible), [viewer, labelsVisible, current]);
  useEffect(() => viewer?.setLabelOpacity(labelOpacity), [viewer, labelOpacity, current]);

  return (
    <main className="viewer">
      <canvas ref={canvas} data-testid="viewer-canvas" />
      <div className="location" data-testid="location">
        {location}
      </div>
    </main>
  );
}
