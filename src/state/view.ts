import { create } from 'zustand';
import type { Modality } from '../core/case/roles.ts';

/** What the viewer shows: one plane, the three, or the 3D rendering. */
export type ViewMode = 'axial' | 'coronal' | 'sagittal' | 'multiplanar' | 'render';
/** The label map drawn filled, or as its outline so a filled prediction shows through. */
export type LabelStyle = 'filled' | 'outline';

interface ViewState {
  /** What the main area shows: the case, or the comparison of the selected experiments. */
  mainView: 'viewer' | 'comparison';
  mode: ViewMode;
  labelsVisible: boolean;
  labelOpacity: number;
  /** Outline by default, so a filled prediction and the truth read together. */
  labelStyle: LabelStyle;
  /** Which modality is the viewer's background; null picks the first present (FLAIR first). */
  background: Modality | null;
  /** A sequence shown in a checkerboard with the reference instead of the background: the check of an alignment. */
  checkerboard: Modality | null;
  location: string;
  /** The crosshair's voxel on the canonical grid. */
  voxel: [number, number, number] | null;
  /** What the head's overlay shows: its labels, or how unsure it is (where a stroke helps most). */
  overlay: 'prediction' | 'uncertainty';
  /** Where the viewer was asked to go (the lesion, a held-out block); n counts requests, so one place can be asked twice. */
  target: { voxel: [number, number, number]; n: number } | null;
  /** A slice clicked on a comparison's per-slice chart: the side-by-side views go there (n counts requests). */
  comparisonSlice: { caseId: string; slice: number; n: number } | null;
}

export const useView = create<ViewState>(() => ({
  mainView: 'viewer',
  mode: 'multiplanar',
  labelsVisible: true,
  labelOpacity: 0.5,
  labelStyle: 'outline',
  background: null,
  checkerboard: null,
  location: '',
  voxel: null,
  overlay: 'prediction',
  target: null,
  comparisonSlice: null,
}));

export const setViewMode = (mode: ViewMode) => useView.setState({ mode });
export const setLabelsVisible = (labelsVisible: boolean) => useView.setState({ labelsVisible });
export const setLabelStyle = (labelStyle: LabelStyle) => useView.setState({ labelStyle });
export const setLabelOpacity = (labelOpacity: number) => useView.setState({ labelOpacity });
export const setBackground = (background: Modality | null) => useView.setState({ background, checkerboard: null });
export const setCheckerboard = (checkerboard: Modality | null) => useView.setState({ checkerboard });
export const setLocation = (location: string, voxel: [number, number, number]) => useView.setState({ location, voxel });
/** Another patient: no voxel of the one before is read out on it. */
export const clearLocation = () => useView.setState({ location: '', voxel: null, target: null });
export const setMainView = (mainView: 'viewer' | 'comparison') => useView.setState({ mainView });
export const setOverlay = (overlay: 'prediction' | 'uncertainty') => useView.setState({ overlay });

/** Moves the crosshair (every view) to a voxel of the case's grid; a null voxel (nothing to go to) does nothing. */
export const goTo = (voxel: [number, number, number] | null) => {
  if (voxel) useView.setState((s) => ({ target: { voxel, n: (s.target?.n ?? 0) + 1 } }));
};

/** Shows a case's slice in the comparison's side-by-side views (a click on its per-slice chart). */
export const focusComparisonSlice = (caseId: string, slice: number) => useView.setState((s) => ({ comparisonSlice: { caseId, slice, n: (s.comparisonSlice?.n ?? 0) + 1 } }));
