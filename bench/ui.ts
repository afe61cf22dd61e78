/**
 * `npm run bench:ui`: the newcomer's walk (e2e/walk.ts) in Debian's Chromium on SwiftShader, the
 * way a machine without a GPU runs it, printing per phase the long tasks, input-to-paint delays,
 * frame waits and training speed. Build first (`npm run build`); --runs N repeats the walk,
 * --layout axial|multiplanar picks the view, --epochs N shortens training, --no-compare skips the comparison, --case DIR only opens that case folder's files
 * (e.g. a 240x240x155 BraTS case from ../shared/real-cases), --profile prints where the page's main thread spent its time
 * in each phase (V8's sampling profiler: self time per function), --align (with --case) then aligns each
 * sequence to the reference in the page (elastix in the worker) and prints the seconds of each.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { preview } from 'vite';
import globalSetup from '../e2e/global-setup.ts';
import { TINY_WEIGHTS } from '../e2e/paths.ts';
import { caseFiles } from '../e2e/helpers.ts';
import { describePhase, instrument, openFilesWalk, type PhaseFigures, walk } from '../e2e/walk.ts';
import { assembleCase, caseIdOf, caseVolumes } from '../src/core/case/case.ts';
import { readCaseFiles } from '../src/core/case/load.ts';
import { heldOutFineRun } from '../src/core/experiments/fineExperiment.ts';
import { voxelCase } from '../src/core/heads/voxelCase.ts';
import { DEFAULT_HEAD } from '../src/core/heads/headSettings.ts';
import { generateSyntheticCase } from '../src/core/synthetic/brats.ts';
import { syntheticCaseFiles } from '../src/core/synthetic/files.ts';
import { useTraining } from '../src/state/training.ts';
import { checkFlags, flag, intFlag, parseArgs } from '../src/cli/args.ts';

const USAGE = 'bench:ui [--runs N] [--layout axial|multiplanar] [--epochs N] [--no-compare] [--case DIR] [--align] [--profile]';
const args = parseArgs(process.argv.slice(2));
checkFlags(args, USAGE);
const runs = intFlag(args, 'runs', 1);
const layout = args.flags.has('layout') ? (flag(args, 'layout') as 'axial' | 'multiplanar') : undefined;
const epochs = args.flags.has('epochs') ? intFlag(args, 'epochs') : undefined;

globalSetup();
const server = await preview({ preview: { host: '127.0.0.1', port: 4173, strictPort: true } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
});
const all: PhaseFigures[][] = [];

/**
 * The same training outside the browser, as the worker runs it for the default head (its filter
 * bank, then the core's held-out run) on a sample case of the app's size with the app's defaults.
 */
async function nodeStepsPerSecond(): Promise<number> {
  const { loaded } = readCaseFiles(syntheticCaseFiles(generateSyntheticCase({ seed: 7 }), { gzip: false }), () => undefined);
  const c = caseVolumes(assembleCase(loaded));
  const t = useTraining.getState();
  const t0 = performance.now();
  const fc = voxelCase(c);
  let steps = 0;
  await heldOutFineRun({
    c,
    fc,
    settings: { task: t.task, epochs: epochs ?? t.epochs, learningRate: t.learningRate, seed: t.seed, validation: 0.2, plane: 'axial', size: 224 },
    head: DEFAULT_HEAD,
    onStep: async (step) => {
      steps = step.step;
      await new Promise((res) => setTimeout(res, 0)); // as the worker yields between steps
      return undefined;
    },
  });
  return (steps + 1) / ((performance.now() - t0) / 1000);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time per function over a phase, from V8's sampling profiler on the page's main thread. */
async function profiler(page: Page): Promise<NonNullable<Parameters<typeof walk>[1]>['hooks']> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  return {
    start: async () => void (await cdp.send('Profiler.start')),
    async end(phase) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const f = byId.get(id)!.callFrame;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
      });
      const top = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 12);
      console.log(`  main thread, ${phase}: ${top.map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join('; ')}`);
    },
  };
}
/** A case folder's files and the id the app gives it: its NIfTI files by their names, or every file of a DICOM series (the app names it after the series). */
function folderCase(dir: string): [string[], string | undefined] {
  const nifti = caseFiles(dir);
  if (nifti.length) return [nifti, caseIdOf(nifti.map((f) => f.split('/').pop()!))];
  return [readdirSync(dir).filter((n) => !n.startsWith('.')).map((n) => join(dir, n)), undefined];
}

/** Each sequence aligned to the reference from the case panel, one after the other: the seconds of each. */
async function alignEach(page: Page): Promise<string[]> {
  const rows = page.locator('[data-testid^="alignment-"]');
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const t = performance.now();
    await row.getByRole('button', { name: 'Align' }).click();
    await row.getByText(/aligned, /).waitFor({ timeout: 600_000 });
    out.push(`${(await row.textContent())!.split(':')[0]} ${((performance.now() - t) / 1000).toFixed(1)} s (${/aligned, (.*)Align/.exec((await row.textContent())!)?.[1]})`);
  }
  return out;
}

try {
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ baseURL: 'http://127.0.0.1:4173', viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await instrument(page);
    const hooks = args.flags.has('profile') ? await profiler(page) : undefined;
    const caseDir = args.flags.has('case') ? flag(args, 'case') : undefined;
    const phases = caseDir
      ? [await openFilesWalk(page, ...folderCase(caseDir))]
      : await walk(page, { weights: args.flags.has('no-compare') ? undefined : TINY_WEIGHTS, epochs, layout, hooks });
    all.push(phases);
    console.log(`run ${r + 1}/${runs}`);
    for (const p of phases) console.log(`  ${describePhase(p)}`);
    if (args.flags.has('align')) console.log(`  aligned in the page: ${(await alignEach(page)).join(', ')}`);
    await context.close();
  }
} finally {
  await browser.close();
  await new Promise<void>((res) => server.httpServer.close(() => res()));
}
if (!args.flags.has('case')) console.log(`the same training in Node (the worker's code, no page): ${(await nodeStepsPerSecond()).toFixed(2)} steps/s`);
if (runs > 1) {
  console.log('over all runs, per phase: median (min-max) of the worst long task and of the seconds');
  for (let i = 0; i < all[0].length; i++) {
    const worst = all.map((ph) => Math.max(0, ...ph[i].longTasks)).sort((a, b) => a - b);
    const secs = all.map((ph) => ph[i].seconds).sort((a, b) => a - b);
    const mid = (xs: number[]) => xs[Math.floor(xs.length / 2)];
    console.log(`  ${all[0][i].phase}: worst long task ${mid(worst).toFixed(0)} ms (${worst[0].toFixed(0)}-${worst.at(-1)!.toFixed(0)}), ${mid(secs).toFixed(1)} s (${secs[0].toFixed(1)}-${secs.at(-1)!.toFixed(1)})`);
  }
}
