import { useRef } from 'react';

/** A button that opens several files at once (an adapter's files with its head) and hands them over. */
export function FilesButton({ label, accept, testId, title, onFiles }: { label: string; accept: string; testId: string; title?: string; onFiles: (files: File[]) => unknown }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" title={title} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        hidden
        data-testid={testId}
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = ''; // the same files again are a new choice
          if (files.length) void onFiles(files);
        }}
      />
    </>
  );
}
