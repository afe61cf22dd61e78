import { useRef } from 'react';

/** A button that opens one text file (a saved head, an experiments list) and hands over its name and text. */
export function TextFileButton({ label, accept, testId, onText }: { label: string; accept: string; testId: string; onText: (name: string, text: string) => unknown }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        hidden
        data-testid={testId}
        onChange={async (e) => {
          const target = e.currentTarget;
          const file = target.files?.[0];
          target.value = ''; // the same file again is a new choice
          if (file) await onText(file.name, await file.text());
        }}
      />
    </>
  );
}
