/**
 * Experiments in IndexedDB, so a reload loses nothing: the records as JSON, and each case's
 * predicted label volume gzipped beside them (mostly zeros: a 240x240x155 volume is a few KB).
 */
import { gunzipSync, gzipSync } from 'fflate';
import type { ExperimentRecord } from '../core/experiments/record.ts';
import { done, openDb } from './idb.ts';

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

export async function saveRecord(r: ExperimentRecord, predictions: Map<string, Uint8Array> = new Map()): Promise<void> {
  await done((await store(RECORDS, 'readwrite')).put(r));
  for (const [caseId, p] of predictions) await savePredictionGz(r.id, caseId, gzipSync(p, { level: 6 }));
}

export async function loadPrediction(id: string, caseId: string): Promise<Uint8Array | null> {
  const gz = await loadPredictionGz(id, caseId);
  return gz ? gunzipSync(gz) : null;
}

/** The gzipped bytes, for export without unpacking. */
export async function loadPredictionGz(id: string, caseId: string): Promise<Uint8Array | null> {
  return ((await done((await store(PREDICTIONS, 'readonly')).get(predictionKey(id, caseId)))) as Uint8Array | undefined) ?? null;
}

export async function savePredictionGz(id: string, caseId: string, gz: Uint8Array): Promise<void> {
  await done((await store(PREDICTIONS, 'readwrite')).put(gz, predictionKey(id, caseId)));
}

export async function deleteRecord(r: ExperimentRecord): Promise<void> {
  await done((await store(RECORDS, 'readwrite')).delete(r.id));
  for (const c of r.cases) await done((await store(PREDICTIONS, 'readwrite')).delete(predictionKey(r.id, c.id)));
}
