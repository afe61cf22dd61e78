/**
 * One extract process against N shard processes side by side, on the same synthetic dataset and
 * checkpoint, interleaved: slices per second of wall time and bytes per case in the store.
 *   npx tsx scripts/shard-bench.ts [--preset tiny|vits14] [--runs 15] [--cases 4] [--dims 64,64,32] [--shards 2]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../src/cli/args.ts';

const args = parseArgs(process.argv.slice(2));
const get = (name: string, fallback: string) => args.flags.get(name)?.[0] ?? fallback;
const [preset, runs, count, dims, shards] = [get('preset', 'tiny'), Number(get('runs', '15')), Number(get('cases', '4')), get('dims', '64,64,32'), Number(get('shards', '2'))];
const root = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'shard-bench-'));
const studio = (...a: string[]) => ['tsx', join(root, 'src/cli/main.ts'), ...a];
for (let i = 0; i < count; i++) spawnSync('npx', studio('synth', '--out', join(tmp, 'dataset', `case-${i}`), '--dims', dims, '--seed', String(i + 1)), { cwd: root });
spawnSync('npx', studio('make-checkpoint', '--preset', preset, '--seed', '1', '--naming', 'hf', '--out', join(tmp, 'w.safetensors')), { cwd: root });

function extract(out: string, shard?: string): Promise<{ slices: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn('npx', studio('extract', '--dataset', join(tmp, 'dataset'), '--weights', join(tmp, 'w.safetensors'), '--out', out, ...(shard ? ['--shard', shard] : [])), { cwd: root });
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`extract exited ${code}`));
      const r = JSON.parse(stdout) as { cases: { slices: number; bytes: number }[] };
      resolve({ slices: r.cases.reduce((a, c) => a + c.slices, 0), bytes: r.cases.reduce((a, c) => a + c.bytes, 0) });
    });
  });
}

const rates: Record<'one' | 'sharded', number[]> = { one: [], sharded: [] };
let bytesPerCase = 0;
for (let r = 0; r < runs; r++) {
  // Interleaved, alternating which goes first, so drift on a shared machine hits both alike.
  for (const kind of r % 2 ? (['sharded', 'one'] as const) : (['one', 'sharded'] as const)) {
    const out = join(tmp, `store-${kind}-${r}`);
    const start = performance.now();
    const parts = kind === 'one' ? [await extract(out)] : await Promise.all([...Array(shards).keys()].map((k) => extract(out, `${k}/${shards}`)));
    const seconds = (performance.now() - start) / 1000;
    rates[kind].push(parts.reduce((a, p) => a + p.slices, 0) / seconds);
    bytesPerCase = readdirSync(out).reduce((a, f) => a + statSync(join(out, f)).size, 0) / count;
    rmSync(out, { recursive: true });
  }
}
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: +s[s.length >> 1].toFixed(2), min: +s[0].toFixed(2), max: +s.at(-1)!.toFixed(2) };
};
console.log(JSON.stringify({ preset, runs, cases: count, dims, shards, slicesPerSecond: { oneProcess: stat(rates.one), [`${shards}Shards`]: stat(rates.sharded) }, ratio: +(stat(rates.sharded).median / stat(rates.one).median).toFixed(2), bytesPerCase: Math.round(bytesPerCase) }));
rmSync(tmp, { recursive: true });
