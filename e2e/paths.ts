import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const E2E_DATA = join(ROOT, 'test-results', 'e2e-data');
export const SMALL_CASE = join(E2E_DATA, 'synthetic-5');
export const TINY_CASE = join(E2E_DATA, 'synthetic-6');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
export const REAL_CASES = join(ROOT, '..', 'shared', 'real-cases');
export const TINY_WEIGHTS = join(E2E_DATA, 'tiny-random.safetensors');
/** Identity blocks over per-channel patch means: features that carry the modalities' intensities (see random.ts). */
export const PROBE_WEIGHTS = join(E2E_DATA, 'probe.safetensors');
