import { nameWithinCase } from '../../core/case/case.ts';
import { ROLE_LABELS, ROLES, type Role } from '../../core/case/roles.ts';
import { NIFTI_TYPES } from '../../core/nifti/datatypes.ts';
import { setRole, useCase } from '../../state/case.ts';

export function RoleTable() {
  const files = useCase((s) => s.files);
  const names = files.map((f) => f.name);
  return (
    <table className="roles" data-testid="role-table">
      <thead>
        <tr>
          <th>File</th>
          <th>Role</th>
          <th>Type</th>
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.name} data-file={f.name}>
            <td className="file-name" title={f.name}>
              {nameWithinCase(f.name, names)}
            </td>
            <td>
              <select aria-label={`Role of ${f.name}`} value={f.role} onChange={(e) => setRole(f.name, e.currentTarget.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            </td>
            <td>{NIFTI_TYPES[f.volume.source.header.datatype as keyof typeof NIFTI_TYPES]?.name}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
