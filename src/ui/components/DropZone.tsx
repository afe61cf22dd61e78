import { type ReactNode, useState } from 'react';
import { openFiles } from '../../state/case.ts';
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
        await openFiles(await readFiles(files), folder);
      }}
    >
      {children}
      {over && <div className="drop-hint">Drop NIfTI files or a case folder</div>}
    </div>
  );
}
