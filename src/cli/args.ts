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

/** The flags a command's usage line names: its `--name` tokens, so the usage line is the one list of them. */
export function usageFlags(help: string): Set<string> {
  return new Set([...help.matchAll(/--([a-z0-9][a-z0-9-]*)/g)].map((m) => m[1]));
}

/** Edits (insert, delete, substitute) from a to b. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * A flag the command does not take is an error that names it and the nearest it does take: a
 * misspelled training flag must not silently leave its default in place.
 */
export function checkFlags(args: ParsedArgs, help: string): void {
  const known = [...usageFlags(help)];
  const unknown = [...args.flags.keys()].filter((k) => !known.includes(k));
  if (!unknown.length) return;
  const nearest = (k: string) => {
    const [best] = known.map((n) => ({ n, d: editDistance(k, n) })).sort((x, y) => x.d - y.d);
    return best && best.d <= Math.max(2, Math.floor(k.length / 3)) ? ` (did you mean --${best.n}?)` : '';
  };
  throw new UsageError(unknown.map((k) => `unknown flag --${k}${nearest(k)}`).join('; '));
}
