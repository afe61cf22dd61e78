/**
 * The task of a run on several cases comes from their own label maps, read a case at a time: never
 * from whichever case was open before (a lesion mask's task must not follow the user into a BraTS dataset).
 */
import { type CaseInput, openCase } from '../case/case.ts';
import { distinctValues } from '../case/labels.ts';
import { defaultTask, type Task } from '../heads/tasks.ts';

export async function labelsTask(cases: CaseInput[]): Promise<{ task: Task; values: number[] }> {
  const found = new Set<number>();
  for (const c of cases) for (const v of distinctValues((await openCase(c)).labels ?? new Uint8Array())) found.add(v);
  const values = [...found].sort((a, b) => a - b);
  return { task: defaultTask(values), values };
}
