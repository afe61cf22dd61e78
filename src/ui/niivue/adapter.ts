/**
 * Every Niivue call the studio makes, in one place: Niivue 1.0 renames much of this API
 * (sliceType, setVolume, updateVolumeData), so the rest of the app only sees ViewerAdapter.
 */
import { Niivue, NVImage, SLICE_TYPE } from '@niivue/niivue';

import type { LabelStyle, ViewMode } from '../../state/view.ts';
import { paced } from '../paced.ts';

export type { LabelStyle, ViewMode };

const SLICE: Record<ViewMode, SLICE_TYPE> = {
  axial: SLICE_TYPE.AXIAL,
  coronal: SLICE_TYPE.CORONAL,
  sagittal: SLICE_TYPE.SAGITTAL,
  multiplanar: SLICE_TYPE.MULTIPLANAR,
  render: SLICE_TYPE.RENDER,
};


export interface LabelColours {
  values: number[];
  rgb: (readonly [number, number, number])[];
  names: string[];
}

export interface ViewerLocation {
  voxel: [number, number, number];
  text: string;
}

export interface ViewerAdapter {
  /** Replaces what is shown: a background image and, optionally, a label overlay (NIfTI bytes). */
  show(
    background: { name: string; bytes: Uint8Array },
    labels?: { name: string; bytes: Uint8Array; colours: LabelColours },
    rgba?: { name: string; bytes: Uint8Array },
  ): Promise<void>;
  setLabelsVisible(visible: boolean): void;
  /** The label map drawn filled, or as its outline so a filled prediction shows through. */
  setLabelStyle(style: LabelStyle): void;
  /**
   * A prediction overlay on the background's grid, updated in place (no reload) so live training
   * can refresh it every second; null removes it.
   */
  setPrediction(labels: Uint8Array | null, colours: LabelColours, opacity: number): Promise<void>;
  setLabelOpacity(opacity: number): void;
  /** A 0..255 heat map on the background's grid (the head's uncertainty), updated in place; null removes it. */
  setHeatmap(values: Uint8Array | null, opacity: number): Promise<void>;
  /** Drawing with the mouse: on or off, the pen's value (0 erases), its size in voxels, and the pens' colours. */
  setPen(pen: { enabled: boolean; value: number; size: number; colours: (readonly [number, number, number])[] }): void;
  /** Replaces the drawing (on the background's grid); its undo history starts here. */
  setDrawing(bitmap: Uint8Array | null): void;
  undoDrawing(): void;
  /** After each pen-up, undo or load, with a copy of the drawing. */
  onDrawingChanged(callback: (action: string, bitmap: Uint8Array) => void): void;
  setViewMode(mode: ViewMode): void;
  /** Moves the crosshair to a voxel of the background's grid (for views kept in step). */
  setCrosshair(voxel: [number, number, number]): void;
  onLocationChange(callback: (location: ViewerLocation) => void): void;
  dispose(): void;
}

export async function createViewer(canvas: HTMLCanvasElement): Promise<ViewerAdapter> {
  const nv = new Niivue({
    backColor: [0.06, 0.07, 0.09, 1],
    show3Dcrosshair: true,
    // Niivue's default crosshair is one voxel wide and runs through the point it marks, hiding
    // the thin rims (2-5 mm of enhancing tumour) the user came to look at: half a millimetre,
    // a 4 mm gap around the point (the gap counts in line radii), and see-through.
    crosshairWidth: 0.5,
    crosshairWidthUnit: 'mm',
    crosshairGap: 16,
    crosshairColor: [1, 0.3, 0.3, 0.75],
    dragAndDropEnabled: false, // the studio handles drops itself: roles, validation, errors
    isResizeCanvas: true,
    multiplanarForceRender: false,
    // Niivue writes "loading ..." on an empty canvas, which reads as a page that hangs; the page
    // says what to do in text that wraps (a long canvas line is cut off on a narrow window).
    loadingText: '',
  });
  await nv.attachToCanvas(canvas);
  let opacity = 0.5;
  let visible = true;
  let style: LabelStyle = 'outline';
  let truth: NVImage | null = null;
  let prediction: NVImage | null = null;
  let heatmap: NVImage | null = null;
  /** A case's volumes load asynchronously: only the latest show() may land. */
  let latestShow = 0;
  /** The drawing, re-applied when show() replaces the volumes under it. */
  let drawing: Uint8Array | null = null;
  const applyDrawing = () => {
    if (!drawing || nv.volumes.length === 0) return;
    if (!nv.drawBitmap || nv.drawBitmap.length !== drawing.length) nv.createEmptyDrawing();
    if (!nv.drawBitmap || nv.drawBitmap.length !== drawing.length) return; // not this grid
    nv.drawBitmap.set(drawing);
    nv.drawClearAllUndoBitmaps();
    nv.drawAddUndoBitmap();
    nv.refreshDrawing(true);
  };
  /**
   * The overlays (truth, prediction, heat map) composited again and the scene drawn, paced: Niivue's
   * updateGLVolume would also re-upload the background and rebuild the 3D view's gradients, and
   * every drawScene waits for the renderer (gl.finish), so each extra call is main-thread time.
   */
  const composite = () => {
    if (nv.volumes.length === 0) return;
    nv.volumes.forEach((v, i) => i > 0 && v.toRAS && nv.refreshLayers(v, i));
    nv.drawScene();
  };
  /** The user's own changes (labels shown, outlined, opacity): the next frame. */
  const refreshOverlays = paced(composite, { rest: 0 });
  /** Predictions and heat maps, which stream in while work runs: paced so the worker keeps the CPU. */
  const refreshPrediction = paced(composite);
  /**
   * A new layer on the background's grid: the truth layer's header and voxel order (it is always
   * there, uint8) with these values, with no NIfTI written and parsed again.
   */
  const layerOnGrid = (values: Uint8Array): NVImage | null => {
    if (!truth || (truth.img as Uint8Array).length !== values.length) return null;
    const image = truth.clone();
    (image.img as Uint8Array).set(values);
    image.hdr!.intent_code = 0;
    image.calMinMax();
    return image;
  };
  /**
   * A layer that streams in (prediction, heat map): made once on the truth's grid, then updated in
   * place; null values remove it. Returns the layer now shown.
   */
  const putLayer = (layer: NVImage | null, values: Uint8Array | null, layerOpacity: number, dress: (image: NVImage) => void): NVImage | null => {
    if (!values) {
      if (layer) {
        setLayers(nv.volumes.filter((v) => v !== layer));
        refreshPrediction();
      }
      return null;
    }
    const image = layer ?? layerOnGrid(values);
    if (!image) return null;
    if (layer) (layer.img as Uint8Array).set(values);
    else {
      dress(image);
      setLayers([...nv.volumes, image]);
    }
    image.opacity = layerOpacity;
    refreshPrediction();
    return image;
  };
  /**
   * Niivue outlines volumes whose intent is NIFTI_INTENT_LABEL (1002) when atlasOutline > 0:
   * border voxels get that alpha, the rest keep the volume's opacity. So the outline is the
   * truth marked as a label with a near-zero opacity, and the prediction (intent 0) stays filled.
   */
  const styleTruth = () => {
    if (!truth) return;
    const outline = style === 'outline';
    truth.hdr!.intent_code = outline ? 1002 : 0;
    nv.opts.atlasOutline = outline && visible ? 1 : 0;
    truth.opacity = !visible ? 0 : outline ? 1 / 255 : opacity;
  };
  const applyOverlay = () => {
    styleTruth();
    refreshOverlays();
  };
  /**
   * Replaces the layers in one step: Niivue's addVolume and removeVolume each re-upload every
   * layer and draw, six full refreshes for one case.
   */
  const setLayers = (images: NVImage[]) => {
    nv.volumes = images;
    nv.back = images[0] ?? null;
    nv.overlays = images.slice(1);
  };
  return {
    async show(background, labels, rgba) {
      const call = ++latestShow;
      const images: NVImage[] = [
        await NVImage.loadFromUrl({ url: background.name, name: background.name, buffer: copyBuffer(background.bytes), colormap: 'gray' }),
      ];
      // Niivue rebuilds its overlay texture only when an overlay layer is drawn: a case without a
      // label map gets an empty one, or the 3D view goes on showing the previous case's overlays.
      const newTruth = labels ? await NVImage.loadFromUrl({ url: labels.name, name: labels.name, buffer: copyBuffer(labels.bytes), colormap: 'gray' }) : NVImage.zerosLike(images[0], 'uint8');
      newTruth.setColormapLabel(labelLut(labels?.colours ?? NO_LABELS));
      images.push(newTruth);
      if (rgba) images.push(await NVImage.loadFromUrl({ url: rgba.name, name: rgba.name, buffer: copyBuffer(rgba.bytes), opacity: 0.7 }));
      if (call !== latestShow) return; // a later show() replaces this one
      // Keep the crosshair where the user left it when the same grid is shown again (not on another patient's).
      const sameGrid = nv.volumes.length > 0 && gridKey(nv.volumes[0]) === gridKey(images[0]);
      const crosshair = sameGrid ? [...nv.scene.crosshairPos] : null;
      // The truth changes with the layers, so predictions made meanwhile took the grid in view.
      truth = newTruth;
      prediction = null;
      heatmap = null;
      setLayers(images);
      styleTruth();
      // Another grid (another patient) starts at its centre, as it would on a fresh page.
      nv.scene.crosshairPos = (crosshair ?? [0.5, 0.5, 0.5]) as typeof nv.scene.crosshairPos;
      nv.updateGLVolume();
      applyDrawing();
    },
    async setPrediction(labels, colours, predictionOpacity) {
      prediction = putLayer(prediction, labels, predictionOpacity, (image) => image.setColormapLabel(labelLut(colours)));
    },
    async setHeatmap(values, heatOpacity) {
      heatmap = putLayer(heatmap, values, heatOpacity, (image) => {
        image.colormap = 'warm';
        image.cal_min = 20;
        image.cal_max = 255;
      });
    },
    setPen({ enabled, value, size, colours }) {
      // Pen value i + 1 paints class i. Niivue types the argument as a colormap name, but its
      // makeDrawLut takes a table too.
      const lut = { R: [0, ...colours.map((c) => c[0])], G: [0, ...colours.map((c) => c[1])], B: [0, ...colours.map((c) => c[2])], A: [0, ...colours.map(() => 255)], I: [0, ...colours.map((_, i) => i + 1)] };
      nv.setDrawColormap(lut as unknown as string);
      nv.opts.penSize = size;
      nv.setPenValue(value, false);
      if (enabled && nv.volumes.length > 0 && !nv.drawBitmap) nv.createEmptyDrawing();
      nv.setDrawingEnabled(enabled);
    },
    setDrawing(bitmap) {
      drawing = bitmap ? bitmap.slice() : null;
      if (drawing) applyDrawing();
      else if (nv.drawBitmap) {
        nv.drawBitmap.fill(0);
        nv.refreshDrawing(true);
      }
    },
    undoDrawing() {
      nv.drawUndo();
    },
    onDrawingChanged(callback) {
      nv.onDrawingChanged = (action: string) => {
        if (!nv.drawBitmap) return;
        drawing = nv.drawBitmap.slice();
        callback(action, drawing.slice());
      };
    },
    setLabelsVisible(v) {
      visible = v;
      applyOverlay();
    },
    setLabelStyle(s) {
      style = s;
      applyOverlay();
    },
    setLabelOpacity(o) {
      opacity = o;
      applyOverlay();
    },
    setViewMode(mode) {
      nv.setSliceType(SLICE[mode]);
    },
    setCrosshair(voxel) {
      if (nv.volumes.length === 0) return;
      nv.scene.crosshairPos = nv.vox2frac(voxel) as typeof nv.scene.crosshairPos;
      nv.drawScene();
    },
    onLocationChange(callback) {
      nv.onLocationChange = (loc: unknown) => {
        const l = loc as { vox?: number[]; string?: string };
        callback({ voxel: (l.vox ?? [0, 0, 0]).slice(0, 3) as [number, number, number], text: l.string ?? '' });
      };
    },
    dispose() {
      nv.onLocationChange = () => {};
      nv.onDrawingChanged = () => {};
      setLayers([]);
    },
  };
}

const NO_LABELS: LabelColours = { values: [1], rgb: [[0, 0, 0]], names: ['none'] };

/** Dimensions and voxel-to-world transform: two images on one grid agree on both. */
const gridKey = (image: NVImage) => JSON.stringify([image.dims, image.hdr?.affine]);

function labelLut(colours: LabelColours) {
  return {
    R: [0, ...colours.rgb.map((c) => c[0])],
    G: [0, ...colours.rgb.map((c) => c[1])],
    B: [0, ...colours.rgb.map((c) => c[2])],
    A: [0, ...colours.rgb.map(() => 255)],
    I: [0, ...colours.values],
    labels: ['background', ...colours.names],
  };
}

function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
