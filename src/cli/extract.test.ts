/** `extract` and the feature store on disk, as a cluster's job array runs them: processes side by side. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../core/weights/safetensors.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'extract-'));
const dataset = join(tmp, 'dataset');
const weights = join(tmp, 'probe.safetensors');

const args = (...more: string[]) => ['tsx', 'src/cli/main.ts', ...more];
function studio(...more: string[]) {
  const r = spawnSync('npx', args(...more), { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function studioAsync(...more: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('npx', args(...more), { cwd: ROOT });
    let [stdout, stderr] = ['', ''];
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const extract = (out: string, ...more: string[]) => ['extract', '--dataset', dataset, '--mapping', 'flair,t1ce,t2', '--weights', weights, '--out', out, ...more];
const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
const bytesOf = (dir: string) => Object.fromEntries(files(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('extract into a feature store, sharded', () => {
  it('makes a dataset of five cases and a checkpoint whose features carry the intensities', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(studio('synth', '--out', join(dataset, `case-${seed}`), '--dims', '40,40,20', '--seed', String(seed)).code).toBe(0);
    expect(studio('make-checkpoint', '--preset', 'probe', '--seed', '1', '--naming', 'hf', '--out', weights).code).toBe(0);
  }, 120_000);

  const whole = join(tmp, 'whole');
  it('one process writes one complete file per case', () => {
    const r = studio(...extract(whole));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.cases.map((c: { case: string }) => c.case)).toEqual(['case-1', 'case-2', 'case-3', 'case-4', 'case-5']);
    expect(files(whole)).toHaveLength(5);
    for (const c of out.cases) {
      const stored = parseSafetensors(new Uint8Array(readFileSync(c.file)));
      expect(stored.metadata).toMatchObject({ format: 'dino-seg-studio/features@1', case: c.case, key: c.key, mapping: 'flair,t1ce,t2', size: '224', plane: 'axial' });
      expect(stored.tensors.size).toBe(c.slices);
      expect([...stored.tensors.values()][0].shape).toEqual([16 * 16 * 64]);
    }
  }, 120_000);

  it('three shards side by side cover every case exactly once, bit-identical to one process', async () => {
    const sharded = join(tmp, 'sharded');
    const runs = await Promise.all([0, 1, 2].map((k) => studioAsync(...extract(sharded, '--shard', `${k}/3`))));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const taken = runs.map((r) => JSON.parse(r.stdout).cases.map((c: { case: string }) => c.case));
    expect(taken).toEqual([['case-1', 'case-4'], ['case-2', 'case-5'], ['case-3']]);
    expect(runs[1].stderr).toContain('shard 1/3 (--shard): 2 of 5 cases: case-2, case-5');
    expect(bytesOf(sharded)).toEqual(bytesOf(whole));
  }, 180_000);

  it('the shard comes from a SLURM array as well', () => {
    const r = spawnSync('npx', args(...extract(join(tmp, 'slurm'))), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '2' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('shard 1/2 (SLURM array): 2 of 5 cases: case-2, case-4');
  }, 120_000);

  it('a job killed mid-run leaves only whole files; run again, it does what is missing and the store equals one clean run', async () => {
    const killed = join(tmp, 'killed');
    const p = spawn('npx', args(...extract(killed)), { cwd: ROOT, detached: true });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(killed) && files(killed).length >= 1) {
          clearInterval(poll);
          process.kill(-p.pid!, 'SIGKILL'); // the whole process group, as a scheduler's kill does
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => p.on('close', r));
    const left = files(killed);
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(left.length).toBeLessThan(5);
    for (const f of left) expect(() => parseSafetensors(new Uint8Array(readFileSync(join(killed, f))))).not.toThrow();
    const again = studio(...extract(killed));
    expect(again.code, again.stderr).toBe(0);
    const skipped = JSON.parse(again.stdout).cases.filter((c: { skipped: boolean }) => c.skipped).length;
    expect(skipped).toBe(left.length);
    expect(bytesOf(killed)).toEqual(bytesOf(whole));
  }, 180_000);

  it('experiment reads the store and scores exactly as it does extracting in memory; a case not in the store is named with the command that makes it', () => {
    const run = (...more: string[]) => studio('experiment', '--train', join(dataset, 'case-1'), join(dataset, 'case-2'), '--test', join(dataset, 'case-3'), '--head', 'linear', '--epochs', '10', '--seed', '1', '--mapping', 'flair,t1ce,t2', '--weights', weights, ...more);
    const fromStore = run('--features', whole);
    const inMemory = run();
    expect(fromStore.code, fromStore.stderr).toBe(0);
    expect(inMemory.code, inMemory.stderr).toBe(0);
    const scores = JSON.parse(fromStore.stdout).cases;
    expect(scores[0].regions.WT.dice).toBeGreaterThan(0.3);
    expect(scores).toEqual(JSON.parse(inMemory.stdout).cases);
    const missing = studio('experiment', '--train', join(dataset, 'case-1'), '--test', join(dataset, 'case-3'), '--head', 'linear', '--epochs', '1', '--mapping', 'flair,flair,flair', '--weights', weights, '--features', whole);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${whole} has no features of case case-1 for mapping flair,flair,flair at 224 (axial, last block) from these weights; make them with: npm run -s studio -- extract --dataset DIR --mapping flair,flair,flair`);
  }, 240_000);

  it('experiment jobs over shards of a test dataset merge into the table one job gives', async () => {
    const job = (...more: string[]) =>
      studioAsync('experiment', '--train', join(dataset, 'case-1'), '--test-dataset', dataset, '--head', 'linear', '--epochs', '10', '--seed', '1', '--mapping', 'flair,t1ce,t2', '--weights', weights, '--features', whole, ...more);
    const [one, ...shards] = await Promise.all([job(), job('--shard', '0/2'), job('--shard', '1/2')]);
    for (const r of [one, ...shards]) expect(r.code, r.stderr).toBe(0);
    expect(shards[1].stderr).toContain('test shard 1/2 (--shard): 2 of 5 cases: case-2, case-4');
    const paths = shards.map((r, i) => {
      const path = join(tmp, `shard-${i}.json`);
      writeFileSync(path, r.stdout);
      return path;
    });
    const merged = studio('merge', ...paths, '--csv', join(tmp, 'merged.csv'));
    expect(merged.code, merged.stderr).toBe(0);
    const whole1 = JSON.parse(one.stdout);
    const out = JSON.parse(merged.stdout);
    expect(out.cases).toEqual(whole1.cases);
    for (const region of ['WT', 'TC', 'ET']) expect(out.mean[region].dice.mean).toBeCloseTo(whole1.mean[region].dice.mean, 3);
    expect(readFileSync(join(tmp, 'merged.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 5 * 3);
    // Shards of different runs do not merge, nor does a case twice.
    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ ...JSON.parse(shards[1].stdout), settings: { ...JSON.parse(shards[1].stdout).settings, seed: 2 } }));
    expect(studio('merge', paths[0], other).stderr).toContain('was not run with the same model and settings');
    expect(studio('merge', paths[0], paths[0]).stderr).toContain('case case-1 is in both');
  }, 240_000);
});
