/** A Niivue viewer on a canvas for the component's lifetime, with the studio's label colours. */
import { type RefObject, useEffect, useRef, useState } from 'react';
import { BRATS_CLASSES } from '../../core/case/labels.ts';
import { report } from '../../state/messages.ts';
import { createViewer, type ViewerAdapter, type ViewerLocation } from './adapter.ts';

export const LABEL_COLOURS = {
  values: BRATS_CLASSES.map((c) => c.value),
  rgb: BRATS_CLASSES.map((c) => c.rgb),
  names: BRATS_CLASSES.map((c) => c.name),
};

export function useViewer(canvas: RefObject<HTMLCanvasElement | null>, onLocation: (l: ViewerLocation) => void): ViewerAdapter | null {
  const [viewer, setViewer] = useState<ViewerAdapter | null>(null);
  const callback = useRef(onLocation);
  callback.current = onLocation;
  useEffect(() => {
    let adapter: ViewerAdapter | undefined;
    let cancelled = false;
    createViewer(canvas.current!)
      .then((v) => {
        if (cancelled) return v.dispose();
        adapter = v;
        v.onLocationChange((l) => callback.current(l));
        setViewer(v);
      })
      .catch((e) => report('error', `The viewer could not start (WebGL2 is needed): ${(e as Error).message}`));
    return () => {
      cancelled = true;
      adapter?.dispose();
    };
  }, [canvas]);
  return viewer;
}
