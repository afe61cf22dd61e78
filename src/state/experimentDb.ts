/**
 * Experiments in IndexedDB, so a reload loses nothing: the records as JSON, and each case's
 * predicted label volume gzipped beside them (mostly zeros: a 240x240x155 volume is a few KB).
 */
import { gunzipSync, gzipSync } from 'fflate';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import { done, openDb, written } from '../storage/idb.ts';

const DB = 'dino-seg-studio-experiments';
const RECORDS = 'records';
const PREDICTIONS = 'predictions';

const store = async (name: string, mode: IDBTransactionMode) => (await openDb(DB, [{ name: RECORDS, keyPath: 'id' }, { name: PREDICTIONS }])).transaction(name, mode).objectStore(name);
/** One key per experiment and case, also used in exported JSON. */
export const predictionKey = (id: string, caseId: string) => `${id}/${caseId}`;

export async function loadRecords(): Promise<ExperimentRecord[]> {
  const all = await done((await store(RECORDS, 'readonly')).getAll());
  return (all as ExperimentRecord[]).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

// This session's predictions, whatever the browser's storage does: the views and exports read
// them from here first, so a full quota or blocked storage loses nothing on screen.
const session = new Map<string, Uint8Array>();

export async function saveRecord(r: ExperimentRecord, predictions: Map<string, Uint8Array> = new Map()): Promise<void> {
  const packed = [...predictions].map(([caseId, p]) => [caseId, gzipSync(p, { level: 6 })] as const);
  for (const [caseId, gz] of packed) session.set(predictionKey(r.id, caseId), gz);
  await written((await store(RECORDS, 'readwrite')).put(r));
  for (const [caseId, gz] of packed) await savePredictionGz(r.id, caseId, gz);
}

export async function loadPrediction(id: string, caseId: string): Promise<Uint8Array | null> {
  const gz = await loadPredictionGz(id, caseId);
  return gz ? gunzipSync(gz) : null;
}

/** The gzipped bytes, for export without unpacking. */
export async function loadPredictionGz(id: string, caseId: string): Promise<Uint8Array | null> {
  const kept = session.get(predictionKey(id, caseId));
  if (kept) return kept;
  return ((await done((await store(PREDICTIONS, 'readonly')).get(predictionKey(id, caseId)))) as Uint8Array | undefined) ?? null;
}

export async function savePredictionGz(id: string, caseId: string, gz: Uint8Array): Promise<void> {
  session.set(predictionKey(id, caseId), gz);
  await written((await store(PREDICTIONS, 'readwrite')).put(gz, predictionKey(id, caseId)));
}

export async function deleteRecord(r: ExperimentRecord): Promise<void> {
  for (const c of r.cases) session.delete(predictionKey(r.id, c.id));
  await done((await store(RECORDS, 'readwrite')).delete(r.id));
  for (const c of r.cases) await done((await store(PREDICTIONS, 'readwrite')).delete(predictionKey(r.id, c.id)));
}
