/**
 * The layers as the README draws them, checked on every import in src (type-only ones included):
 * no import cycle anywhere, and no import upward (core imports none of worker, ui, state or cli;
 * state and worker import no ui).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}

/** Each file's relative imports and re-exports, resolved to files of src. */
function importGraph(): Map<string, string[]> {
  const files = sources(SRC);
  const known = new Set(files);
  return new Map(
    files.map((f) => {
      const text = readFileSync(f, 'utf8');
      const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => resolve(dirname(f), m[1]));
      return [relative(SRC, f), targets.filter((t) => known.has(t)).map((t) => relative(SRC, t))];
    }),
  );
}

/** Every cycle as one of its paths (Tarjan's strongly connected components of two or more files). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

it('finds a cycle it is shown, and none in a chain (the check itself can fail)', () => {
  expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]])).map((c) => c.sort())).toEqual([['a', 'b', 'c']]);
  expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
});

it('src has no import cycle, type-only imports included', () => {
  const graph = importGraph();
  expect(graph.size).toBeGreaterThan(100);
  expect(graph.get('worker/training.ts')).toContain('worker/protocol.ts');
  expect(importCycles(graph)).toEqual([]);
});

it('no layer imports one above it', () => {
  const layer = (f: string) => f.split('/')[0];
  const above: Record<string, string[]> = { core: ['worker', 'ui', 'state', 'cli'], worker: ['ui', 'state', 'cli'], state: ['ui', 'cli'], cli: ['worker', 'ui', 'state'] };
  const upward = [...importGraph()].flatMap(([f, targets]) => targets.filter((t) => above[layer(f)]?.includes(layer(t))).map((t) => `${f} -> ${t}`));
  expect(upward).toEqual([]);
});
