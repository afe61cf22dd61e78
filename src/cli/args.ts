/** Flags of the form --name value, --name v1 v2 ... (lists), and bare positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const a of argv) {
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      current = flags.get(k) ?? [];
      flags.set(k, current);
      if (v !== undefined) current.push(v);
    } else if (current) current.push(a);
    else positionals.push(a);
  }
  return { positionals, flags };
}

export class UsageError extends Error {}

export function flag(args: ParsedArgs, name: string, fallback?: string): string {
  const v = args.flags.get(name)?.[0] ?? fallback;
  if (v === undefined) throw new UsageError(`missing --${name}`);
  return v;
}

export function intFlag(args: ParsedArgs, name: string, fallback?: number): number {
  const raw = flag(args, name, fallback === undefined ? undefined : String(fallback));
  const v = Number(raw);
  if (!Number.isInteger(v)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  return v;
}
