/**
 * Every Niivue call the studio makes, in one place: Niivue 1.0 renames much of this API
 * (sliceType, setVolume, updateVolumeData), so the rest of the app only sees ViewerAdapter.
 */
import { Niivue, NVImage, SLICE_TYPE } from '@niivue/niivue';

export type ViewMode = 'axial' | 'coronal' | 'sagittal' | 'multiplanar' | 'render';

const SLICE: Record<ViewMode, SLICE_TYPE> = {
  axial: SLICE_TYPE.AXIAL,
  coronal: SLICE_TYPE.CORONAL,
  sagittal: SLICE_TYPE.SAGITTAL,
  multiplanar: SLICE_TYPE.MULTIPLANAR,
  render: SLICE_TYPE.RENDER,
};

export type LabelStyle = 'filled' | 'outline';

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
  setPrediction(labels: Uint8Array | null, encode: () => Uint8Array, colours: LabelColours, opacity: number): Promise<void>;
  setLabelOpacity(opacity: number): void;
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
    dragAndDropEnabled: false, // the studio handles drops itself: roles, validation, errors
    isResizeCanvas: true,
    multiplanarForceRender: false,
  });
  await nv.attachToCanvas(canvas);
  let opacity = 0.5;
  let visible = true;
  let style: LabelStyle = 'outline';
  let truth: NVImage | null = null;
  let prediction: NVImage | null = null;
  /**
   * Niivue outlines volumes whose intent is NIFTI_INTENT_LABEL (1002) when atlasOutline > 0:
   * border voxels get that alpha, the rest keep the volume's opacity. So the outline is the
   * truth marked as a label with a near-zero opacity, and the prediction (intent 0) stays filled.
   */
  const applyOverlay = () => {
    if (!truth) return;
    const outline = style === 'outline';
    truth.hdr!.intent_code = outline ? 1002 : 0;
    nv.setAtlasOutline(outline && visible ? 1 : 0);
    nv.setOpacity(1, !visible ? 0 : outline ? 1 / 255 : opacity);
  };
  return {
    async show(background, labels, rgba) {
      const images: NVImage[] = [
        await NVImage.loadFromUrl({ url: background.name, name: background.name, buffer: copyBuffer(background.bytes), colormap: 'gray' }),
      ];
      truth = null;
      if (labels) {
        truth = await NVImage.loadFromUrl({ url: labels.name, name: labels.name, buffer: copyBuffer(labels.bytes), colormap: 'gray' });
        truth.setColormapLabel(labelLut(labels.colours));
        images.push(truth);
      }
      if (rgba) images.push(await NVImage.loadFromUrl({ url: rgba.name, name: rgba.name, buffer: copyBuffer(rgba.bytes), opacity: 0.7 }));
      // Keep the crosshair where the user left it when the same grid is shown again.
      const crosshair = nv.volumes.length > 0 ? [...nv.scene.crosshairPos] : null;
      while (nv.volumes.length > 0) nv.removeVolume(nv.volumes[nv.volumes.length - 1]);
      prediction = null;
      for (const img of images) nv.addVolume(img);
      if (crosshair) {
        nv.scene.crosshairPos = crosshair as typeof nv.scene.crosshairPos;
        nv.drawScene();
      }
      applyOverlay();
    },
    async setPrediction(labels, encode, colours, predictionOpacity) {
      if (!labels) {
        if (prediction) nv.removeVolume(prediction);
        prediction = null;
        return;
      }
      if (!prediction) {
        prediction = await NVImage.loadFromUrl({ url: 'prediction.nii', name: 'prediction.nii', buffer: copyBuffer(encode()), colormap: 'gray' });
        prediction.setColormapLabel(labelLut(colours));
        prediction.hdr!.intent_code = 0; // filled even while the truth is outlined
        nv.addVolume(prediction);
      } else {
        (prediction.img as Uint8Array).set(labels);
        nv.updateGLVolume();
      }
      nv.setOpacity(nv.volumes.indexOf(prediction), predictionOpacity);
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
      while (nv.volumes.length > 0) nv.removeVolume(nv.volumes[0]);
    },
  };
}

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
