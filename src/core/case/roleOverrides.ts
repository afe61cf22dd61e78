/** Roles given by hand for files whose names say nothing (or the wrong thing), e.g. "GOLD_STANDARD*=seg". */
import type { CaseFile } from './case.ts';
import { withRole } from './labelCandidates.ts';
import { ROLES, type Role } from './roles.ts';

export interface RoleOverride {
  pattern: string;
  role: Role;
}

/** "PATTERN=ROLE", where PATTERN is a file-name glob (* and ?, any case) and ROLE one of the studio's roles. */
export function parseRoleOverride(text: string): RoleOverride {
  const at = text.lastIndexOf('=');
  const pattern = text.slice(0, at).trim();
  const role = text.slice(at + 1).trim().toLowerCase() as Role;
  if (at < 1 || !pattern) throw new Error(`role override "${text}" must read PATTERN=ROLE, e.g. "GOLD_STANDARD*=seg"`);
  if (!ROLES.includes(role)) throw new Error(`role override "${text}": unknown role "${role}"; roles are ${ROLES.join(', ')}`);
  return { pattern, role };
}

function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Applies overrides in order (a later one wins); each pattern that matched no file is returned, for a warning. */
export function applyRoleOverrides(files: CaseFile[], overrides: RoleOverride[]): { files: CaseFile[]; unmatched: string[] } {
  const unmatched: string[] = [];
  let out = files;
  for (const o of overrides) {
    const re = globRegExp(o.pattern);
    const hits = out.filter((f) => re.test(f.name));
    if (!hits.length) unmatched.push(o.pattern);
    for (const f of hits) out = withRole(out, f.name, o.role);
  }
  return { files: out, unmatched };
}
