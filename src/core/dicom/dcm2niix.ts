/**
 * DICOM to NIfTI by dcm2niix (Chris Rorden's converter, the field's reference), compiled to
 * WebAssembly by its authors (@niivue/dcm2niix, the build with JPEG-LS and JPEG 2000 decoders
 * hospitals' PACS exports use). The same module runs in the browser's worker and in Node: one
 * conversion path, no DICOM parser of the studio's own.
 */
import type { NamedBytes } from '../synthetic/files.ts';

interface EmscriptenModule {
  FS: { mkdir(p: string): void; writeFile(p: string, d: Uint8Array): void; readdir(p: string): string[]; readFile(p: string): Uint8Array };
  callMain(args: string[]): number;
}

type CreateModule = (options: Record<string, unknown>) => Promise<EmscriptenModule>;

/** The converter's output: NIfTI files with their BIDS sidecars, and what it printed. */
export interface Dcm2niixOutput {
  files: NamedBytes[];
  log: string[];
  exitCode: number;
}

let loading: Promise<CreateModule> | null = null;

async function moduleFactory(): Promise<CreateModule> {
  // The package exports only its browser wrapper (which starts a worker of its own); the
  // Emscripten module inside it is what a worker and Node can both run.
  // @ts-expect-error: the Emscripten module ships without types.
  loading ??= import('../../../node_modules/@niivue/dcm2niix/dist/dcm2niix.jpeg.js').then((m) => m.default as CreateModule);
  return loading;
}

/**
 * Converts the DICOM files given into one NIfTI (+ JSON sidecar) per series. A fresh module per
 * call: dcm2niix is a command-line program whose globals a second run must not inherit.
 * Sidecars keep the patient's name, ID and dates (-ba n): they are shown on this device only.
 */
export async function runDcm2niix(files: NamedBytes[]): Promise<Dcm2niixOutput> {
  const log: string[] = [];
  const mod = await (await moduleFactory())({ print: (s: string) => log.push(s), printErr: (s: string) => log.push(s), noInitialRun: true });
  mod.FS.mkdir('/dicom');
  mod.FS.mkdir('/nifti');
  // Flat names: folders of a PACS export repeat file names (IM0001 in every series folder).
  files.forEach((f, i) => mod.FS.writeFile(`/dicom/${i}_${f.name.replace(/[^\w.-]+/g, '_')}`, f.bytes));
  let exitCode: number;
  try {
    exitCode = mod.callMain(['-z', 'n', '-b', 'y', '-ba', 'n', '-f', '%s_%d', '-o', '/nifti', '/dicom']);
  } catch (e) {
    // An abort inside the converter (a corrupt file it could not survive, memory it could not get): what it wrote stays readable.
    log.push(`error: dcm2niix stopped: ${(e as Error).message ?? e}`);
    exitCode = -1;
  }
  const out = mod.FS.readdir('/nifti')
    .filter((n) => !n.startsWith('.'))
    .sort()
    .map((name) => ({ name, bytes: mod.FS.readFile(`/nifti/${name}`).slice() }));
  return { files: out, log, exitCode };
}
