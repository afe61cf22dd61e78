import { type ReactNode, useState } from 'react';
import { openFiles } from '../../state/case.ts';
import { loadModelFile } from '../../state/model.ts';
import { filesFromDrop, readFiles } from '../files.ts';

/** The whole window takes drops of .nii/.nii.gz files or folders. */
export function DropZone({ children }: { children: ReactNode }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setOver(false);
      }}
      onDrop={async (e) => {
        e.preventDefault();
        setOver(false);
        const { files, folder } = await filesFromDrop(e.dataTransfer);
        // A dropped .safetensors is a backbone checkpoint; everything else belongs to the case.
        const weights = files.filter((f) => f.name.endsWith('.safetensors'));
        const rest = files.filter((f) => !weights.includes(f));
        if (weights.length > 0) await loadModelFile((await readFiles(weights.slice(0, 1)))[0]);
        if (rest.length > 0 || weights.length === 0) await openFiles(await readFiles(rest), folder);
      }}
    >
      {children}
      {over && <div className="drop-hint">Drop NIfTI files or a case folder</div>}
    </div>
  );
}
