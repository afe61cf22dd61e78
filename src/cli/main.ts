#!/usr/bin/env node
/** The studio's command line: the same core as the app, for batch work. */
import { compare, compareHelp } from './commands/compare.ts';
import { experiment, experimentHelp } from './commands/experiment.ts';
import { extract, extractHelp } from './commands/extract.ts';
import { finetune, finetuneHelp } from './commands/finetune.ts';
import { info, infoHelp } from './commands/info.ts';
import { merge, mergeHelp } from './commands/merge.ts';
import { checkpointHelp, convert, convertHelp, embed, embedHelp, makeCheckpoint } from './commands/models.ts';
import { measure, measureHelp } from './commands/measure.ts';
import { exportCase, exportHelp } from './commands/export.ts';
import { reslice, resliceHelp } from './commands/reslice.ts';
import { scribbles, scribblesHelp } from './commands/scribbles.ts';
import { synth, synthHelp } from './commands/synth.ts';
import { checkFlags, parseArgs, type ParsedArgs, UsageError } from './args.ts';
import { convertDicomFolders } from './commands/runSetup.ts';

const COMMANDS: Record<string, { run: (a: ParsedArgs) => unknown | Promise<unknown>; help: string }> = {
  synth: { run: synth, help: synthHelp },
  info: { run: info, help: infoHelp },
  reslice: { run: reslice, help: resliceHelp },
  measure: { run: measure, help: measureHelp },
  export: { run: exportCase, help: exportHelp },
  embed: { run: embed, help: embedHelp },
  convert: { run: convert, help: convertHelp },
  'make-checkpoint': { run: makeCheckpoint, help: checkpointHelp },
  experiment: { run: experiment, help: experimentHelp },
  compare: { run: compare, help: compareHelp },
  finetune: { run: finetune, help: finetuneHelp },
  scribbles: { run: scribbles, help: scribblesHelp },
  extract: { run: extract, help: extractHelp },
  merge: { run: merge, help: mergeHelp },
};

/** Commands whose case folders may be DICOM exports (info and reslice read them themselves). */
const READS_CASE_FOLDERS = new Set(['experiment', 'compare', 'finetune', 'scribbles']);

function usage(): string {
  return ['usage: npm run -s studio -- <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `unknown command "${name}"\n\n${usage()}` : usage());
    return name && name !== '--help' ? 2 : 0;
  }
  try {
    const args = parseArgs(rest);
    if (args.flags.has('help')) {
      console.log(command.help);
      return 0;
    }
    checkFlags(args, command.help);
    if (READS_CASE_FOLDERS.has(name)) await convertDicomFolders(args);
    const result = await command.run(args);
    if (result !== undefined) console.log(JSON.stringify(result));
    return 0;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    if (e instanceof UsageError) console.error(`\n${command.help}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
