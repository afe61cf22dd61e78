/** Each case's scribbles in IndexedDB, gzipped (a few KB), under the case's id. */
import { gunzipSync, gzipSync } from 'fflate';
import type { ScribbleClass } from '../core/scribbles/classes.ts';
import { done, openDb, written } from '../storage/idb.ts';

const DB = 'dino-seg-studio-scribbles';
const CASES = 'cases';

interface Saved {
  scribbles: Uint8Array;
  strokes: number;
  classes: ScribbleClass[];
}

const cases = async (mode: IDBTransactionMode) => (await openDb(DB, [{ name: CASES }])).transaction(CASES, mode).objectStore(CASES);

export async function saveScribbles(caseId: string, s: Saved): Promise<void> {
  await written((await cases('readwrite')).put({ ...s, scribbles: gzipSync(s.scribbles, { level: 6 }) }, caseId));
}

export async function loadScribbles(caseId: string): Promise<Saved | null> {
  const v = (await done((await cases('readonly')).get(caseId))) as (Saved & { scribbles: Uint8Array }) | undefined;
  return v ? { ...v, scribbles: gunzipSync(v.scribbles) } : null;
}
