/** The backbone: which checkpoint, where it came from, which backend runs it. */
import { create } from 'zustand';
import { DEFAULT_MODEL } from '../core/models/dinov2/catalog.ts';
import { CancelledError, computeClient, onComputeNotice } from '../worker/client.ts';
import type { BackendChoice, ModelInfo, ModelSource, Progress } from '../worker/protocol.ts';
import { report, settle } from './messages.ts';

interface ModelState {
  selected: string;
  /** A self-hosted weights URL (settings, or ?weights= in the address). */
  customUrl: string;
  backend: BackendChoice;
  info: ModelInfo | null;
  progress: Progress | null;
  busy: boolean;
  /** The backbone's measured time per slice, at the input size it was timed at. */
  speed: { medianMs: number; backend: string; size: number } | null;
  cached: { url: string; bytes: number; kept?: string }[];
  /** Why the last download failed, while the panel offers the ways that need no network. */
  failure: string | null;
  /** Where the loaded model can be read again without the user (a dropped file: from the browser's copy). */
  restorable: ModelSource | null;
}

const params = typeof location !== 'undefined' ? new URLSearchParams(location.search) : new URLSearchParams();

export const useModel = create<ModelState>(() => ({
  selected: params.get('model') ?? (params.get('weights') ? 'url' : DEFAULT_MODEL),
  customUrl: params.get('weights') ?? '',
  backend: (params.get('backend') as BackendChoice) ?? 'auto',
  info: null,
  progress: null,
  busy: false,
  speed: null,
  cached: [],
  failure: null,
  restorable: null,
}));

/** The model again, in a fresh worker; false when it cannot be read again (the user is told by load). */
export async function restoreModel(): Promise<boolean> {
  const { restorable } = useModel.getState();
  useModel.setState({ info: null, speed: null });
  if (!restorable) return false;
  await load(restorable);
  return useModel.getState().info !== null;
}

/** The model list's entry for a checkpoint the user gave as a file: it names the file, not a catalogue model. */
export const LOCAL_FILE = 'file';

/** The catalogue's offline demo: random weights in the ViT-S/14 shape, made on the device. */
export const DEMO_MODEL = 'random-vits14';

let controller: AbortController | null = null;

onComputeNotice((text) => report('info', text));

export const selectModel = (selected: string) => useModel.setState({ selected });
export const setCustomUrl = (customUrl: string) => useModel.setState({ customUrl });
export const setBackendChoice = (backend: BackendChoice) => useModel.setState({ backend });

async function load(source: ModelSource): Promise<void> {
  controller?.abort();
  controller = new AbortController();
  useModel.setState({ busy: true, progress: { status: 'initiate', task: 'Loading the backbone' }, speed: null, failure: null });
  try {
    const info = await computeClient().request(
      'loadModel',
      { source, backend: useModel.getState().backend },
      { onProgress: (progress) => useModel.setState({ progress }), signal: controller.signal, transfer: source.kind === 'file' ? [source.bytes.buffer as ArrayBuffer] : [] },
    );
    const local = source.kind === 'file' || source.kind === 'kept';
    useModel.setState({
      info,
      restorable: source.kind === 'file' ? { kind: 'kept', name: source.name, interpolation: source.interpolation } : source,
      // The model list names what is loaded: a local file's name, not the catalogue entry chosen before it.
      ...(local ? { selected: LOCAL_FILE } : {}),
    });
    // A model is loaded now: what an earlier failure said ("no model is loaded yet") no longer holds.
    settle('model-load');
    await refreshCache();
  } catch (e) {
    const before = useModel.getState().info;
    const kept = before ? `${before.label}, loaded before, is kept` : 'no model is loaded yet';
    if (e instanceof CancelledError) report('info', `Download cancelled; ${kept}.`, 'model-load');
    else {
      const message = (e as Error).message;
      report('error', `The model could not be loaded: ${message}. ${kept[0].toUpperCase()}${kept.slice(1)}.`, 'model-load');
      // A download that never reached the server is a network problem: offer what needs none.
      if (source.kind !== 'file') useModel.setState({ failure: message });
    }
  } finally {
    useModel.setState({ busy: false, progress: null });
  }
}

export function loadDemoModel(): Promise<void> {
  selectModel(DEMO_MODEL);
  return load({ kind: 'catalog', id: DEMO_MODEL });
}

export function loadSelectedModel(): Promise<void> {
  const { selected, customUrl, restorable } = useModel.getState();
  if (selected === LOCAL_FILE) return restorable?.kind === 'kept' ? load(restorable) : Promise.resolve();
  if (selected === 'url') {
    if (!/^https?:\/\//.test(customUrl)) {
      report('error', 'Give an http(s) URL of a .safetensors checkpoint.');
      return Promise.resolve();
    }
    return load({ kind: 'url', url: customUrl });
  }
  return load({ kind: 'catalog', id: selected });
}

export async function loadModelFile(file: { name: string; bytes: Uint8Array }): Promise<void> {
  return load({ kind: 'file', ...file });
}

/** A local checkpoint loaded in an earlier visit, from this browser's weight cache. */
export const loadKeptModel = (name: string): Promise<void> => load({ kind: 'kept', name });

export async function forgetWeights(url: string): Promise<void> {
  await computeClient().request('forgetWeights', { url });
  await refreshCache();
}

export function cancelModelLoad(): void {
  controller?.abort();
}

export async function measureBackboneSpeed(size = 224): Promise<void> {
  useModel.setState({ busy: true, progress: { status: 'initiate', task: 'Timing the backbone' } });
  try {
    useModel.setState({ speed: { ...(await computeClient().request('measureSpeed', { size, runs: 3 })), size } });
  } catch (e) {
    report('error', `Timing failed: ${(e as Error).message}`);
  } finally {
    useModel.setState({ busy: false, progress: null });
  }
}

export async function refreshCache(): Promise<void> {
  const { entries } = await computeClient().request('weightCache', {});
  useModel.setState({ cached: entries });
}

export async function clearCache(): Promise<void> {
  await computeClient().request('clearWeightCache', {});
  await refreshCache();
}
